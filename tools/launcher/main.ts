import { parseArgs } from 'node:util';
import { START_ORDER, SERVICES } from '@govrnanza/topology';
import { startLocalPrometheus } from './prometheus';
import { startSystem } from './system';

const HELP = `npm start [-- options]

Starts account, profile, registry, billing and the gateway as separate Node
processes on 127.0.0.1, waits until every health check reports SERVING, and
stops them all cleanly on Ctrl-C. Every variable of the README's Configuration table
(REDIS_URL, RESILIENCE, FAULTS, FAULT_RULES, FAULTS_TOKEN, …) is passed through.

Options:
  --prometheus   also start a Prometheus (if installed) scraping every service, rules loaded
  --quiet        do not print the services' log lines
  -h, --help     this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { prometheus: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const system = await startSystem({ onLine: values.quiet ? undefined : (_, line) => process.stdout.write(`${line}\n`) });
  const stoppers: (() => Promise<void>)[] = [];
  if (values.prometheus) {
    const prom = await startLocalPrometheus(system.endpoints);
    stoppers.push(prom.stop);
  }
  process.stdout.write('\nGovrnanza is up:\n');
  for (const name of START_ORDER) {
    const ep = system.endpoints[name];
    const main = SERVICES[name].protocol === 'http' ? `http://127.0.0.1:${ep.port}` : `127.0.0.1:${ep.port} (gRPC)`;
    process.stdout.write(`  ${name.padEnd(9)} ${main.padEnd(28)} metrics http://127.0.0.1:${ep.metricsPort}/metrics\n`);
  }
  process.stdout.write('\nTry: curl -s -XPOST localhost:8080/v1/orgs -H "content-type: application/json" -d \'{"name":"Acme","plan":"team"}\'\nCtrl-C stops everything.\n\n');
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping…\n');
    for (const s of stoppers) await s();
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
