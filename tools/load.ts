/**
 * `npm run load -- …`: open- or closed-loop load against a Govrnanza service on
 * this machine. See `npm run load -- --help`.
 */
import {
  formatReport,
  grpcTarget,
  httpTarget,
  LOAD_USAGE,
  parseLoadArgs,
  runClosedLoop,
  runOpenLoop,
  UsageError,
  type LoadCommand,
  type LoadReport,
  type LoadTarget,
} from '@govrnanza/loadgen';

type Run = Extract<LoadCommand, { help: false }>;

function buildTarget(target: Run['target']): LoadTarget {
  return target.kind === 'http' ? httpTarget(target.options) : grpcTarget(target.options);
}

async function runLoad(command: Run, signal: AbortSignal): Promise<LoadReport> {
  const target = buildTarget(command.target);
  try {
    const { run } = command;
    return run.mode === 'open'
      ? await runOpenLoop({ target, ...run, signal })
      : await runClosedLoop({ target, ...run, signal });
  } finally {
    await target.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let command: LoadCommand;
  try {
    command = parseLoadArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`load: ${err.message}\n(see npm run load -- --help)`);
    return 2;
  }
  if (command.help) {
    console.log(LOAD_USAGE);
    return 0;
  }
  // Ctrl-C stops sending; requests in flight still end and are reported.
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const report = await runLoad(command, abort.signal);
  console.log(command.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
