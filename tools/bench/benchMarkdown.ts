import { START_ORDER, type ServiceName } from '@govrnanza/topology';
import type { BenchResult, ConfigSummary, Stat } from './benchResult';
import { configNamed } from './configs';
import { IDLE_STEP_MS } from './measureRun';
import { pathNamed } from './paths';
import { stat } from './summarize';

const int = (n: number): string => Math.round(n).toString();
const ms = (n: number): string => (n >= 10 ? n.toFixed(1) : n.toFixed(2));
const ratio = (n: number): string => n.toFixed(2);

/** `median (min–max)` when several rounds, else the value. */
export function spread(s: Stat | undefined, format: (n: number) => string): string {
  if (!s || s.n === 0) return '–';
  return s.n > 1 ? `${format(s.median)} (${format(s.min)}–${format(s.max)})` : format(s.median);
}

function notes(s: ConfigSummary): string {
  const out: string[] = [];
  if (s.generatorBound) out.push(`closed loop limited by the generator (${ratio(s.generatorCores.median)} cores)`);
  if (s.fellBehind > 0) out.push(`generator fell behind in ${s.fellBehind} run(s)`);
  // The fixed rate is bare's half-saturation: a slower configuration may be at or past its own saturation there.
  if (s.openRate.median >= 0.9 * s.throughput.median) out.push('the fixed rate is at or past its saturation: its p50/p99 are queueing');
  if (s.failed > 0) out.push(`${s.failed} failed`);
  if (s.exportBytesPerRequest.median > 0) out.push(`${int(s.exportBytesPerRequest.median)} B of spans/req exported`);
  if (s.logLinesPerRequest.median >= 0.01) out.push(`${s.logLinesPerRequest.median.toFixed(2)} log lines/req`);
  return out.join('; ');
}

function pathTable(result: BenchResult, path: ConfigSummary['path']): string[] {
  const rows = result.summaries.filter((s) => s.path === path);
  const rate = result.rates[path]?.rate;
  const lines = [
    `#### ${pathNamed(path).label}`,
    '',
    `Open loop at ${rate} req/s${result.rates[path]?.bareThroughput ? ` (${Math.round(result.settings.rateFraction * 100)} % of bare's calibrated saturation)` : ''}. ` +
      'Server CPU: all the path\'s processes, per request, at saturation and at the fixed rate; capacity × bare = bare\'s server CPU per request ÷ this one\'s.',
    '',
    '| configuration | max throughput (req/s) | × bare | server CPU at saturation (µs/req) | capacity × bare | server CPU at the fixed rate (µs/req) | capacity × bare | p50 (ms) | × bare | p99 (ms) | × bare | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of rows) {
    const r = s.ratios;
    const atRate = s.openServerCpuUsPerRequest ? spread(s.openServerCpuUsPerRequest, int) : '–';
    const atRateRatio = r ? (r.openCapacity ? spread(r.openCapacity, ratio) : '–') : '1';
    lines.push(
      `| ${configNamed(s.config).label} | ${spread(s.throughput, int)} | ${r ? spread(r.throughput, ratio) : '1'} | ${spread(s.serverCpuUsPerRequest, int)} | ${r ? spread(r.capacity, ratio) : '1'} | ` +
        `${atRate} | ${atRateRatio} | ` +
        `${spread(s.openP50Ms, ms)} | ${r ? spread(r.openP50, ratio) : '1'} | ${spread(s.openP99Ms, ms)} | ${r ? spread(r.openP99, ratio) : '1'} | ${notes(s)} |`,
    );
  }
  lines.push(...processCpuTable(rows, pathNamed(path).services));
  const control = rows.find((s) => s.config === 'bare-control')?.ratios;
  if (control) {
    lines.push(
      '',
      `A/A control: the bare processes started again measured ${spread(control.throughput, ratio)}× bare's throughput, ` +
        `${spread(control.capacity, ratio)}× its capacity per CPU second and ${spread(control.openP50, ratio)}× its p50; ` +
        'differences between configurations of that size are the run\'s noise, not the code.',
    );
  }
  return [...lines, ''];
}

/** Each process's share of the path at saturation and at the fixed rate: which one bounds the chain, and what each configuration adds to it. */
function processCpuTable(rows: readonly ConfigSummary[], onPath: readonly ServiceName[]): string[] {
  // Every configuration starts every process; those off the path idle.
  const services = START_ORDER.filter((s) => onPath.includes(s) && rows.some((r) => r.processCpu[s] !== undefined));
  if (services.length < 2) return [];
  const bare = rows.find((r) => r.config === 'bare');
  const perRequest = (r: ConfigSummary, s: ServiceName, pick: (p: NonNullable<ConfigSummary['processCpu'][ServiceName]>) => Stat): string => {
    const p = r.processCpu[s];
    if (!p) return '–';
    const base = bare?.processCpu[s];
    const against = base ? pick(base).median : 0;
    return `${int(pick(p).median)}${r !== bare && against > 0 ? ` (${ratio(pick(p).median / against)}×)` : ''}`;
  };
  const pct = (x: Stat): string => `${Math.round(x.median * 100)} %`;
  const saturated = (r: ConfigSummary, s: ServiceName): string => {
    const p = r.processCpu[s];
    if (!p) return '–';
    const main = p.mainThread ? `; ${pct(p.mainThread.running)} / ${pct(p.mainThread.waiting)}` : '';
    return `${perRequest(r, s, (x) => x.usPerRequest)}, ${ratio(p.cores.median)}${main}`;
  };
  const header = [`| configuration | ${services.join(' | ')} |`, `| --- | ${services.map(() => '---:').join(' | ')} |`];
  return [
    '',
    rows.some((r) => Object.values(r.processCpu).some((p) => p?.mainThread))
      ? 'By process at saturation: CPU per request in µs (× bare\'s, medians), cores kept busy, and the share of the time its main thread ran / waited in the run queue for a core. ' +
        'A process whose main thread runs nearly all the time bounds the path (Node runs its JavaScript on that thread); time left over is spent waiting for answers.'
      : 'By process at saturation: CPU per request in µs (× bare\'s, medians) and cores kept busy (this kernel keeps no scheduler statistics of threads).',
    '',
    ...header,
    ...rows.map((r) => `| ${configNamed(r.config).label} | ${services.map((s) => saturated(r, s)).join(' | ')} |`),
    '',
    'By process at the fixed rate, the same load for every configuration: CPU per request in µs (× bare\'s). At saturation each configuration runs at its own throughput, and a process that is busier spends less per request on waking up.',
    '',
    ...header,
    ...rows.map((r) => `| ${configNamed(r.config).label} | ${services.map((s) => perRequest(r, s, (x) => x.openUsPerRequest)).join(' | ')} |`),
  ];
}

function rssTable(result: BenchResult): string[] {
  const services = START_ORDER.filter((s) => result.summaries.some((x) => x.rssMiB[s] !== undefined));
  const lines = [
    '#### RSS under load (MiB)',
    '',
    'Highest resident set size of each process during a configuration\'s runs (all paths), median over rounds.',
    '',
    `| configuration | ${services.join(' | ')} |`,
    `| --- | ${services.map(() => '---:').join(' | ')} |`,
  ];
  for (const config of result.settings.configs) {
    const mine = result.summaries.filter((s) => s.config === config);
    if (mine.length === 0) continue;
    const cell = (service: ServiceName): string => {
      const perRound = result.runs
        .filter((r) => r.config === config)
        .reduce((acc, r) => {
          const v = Math.max(r.closed.cost.rssMaxBytes[service] ?? 0, r.open.cost.rssMaxBytes[service] ?? 0) / 2 ** 20;
          acc.set(r.round, Math.max(acc.get(r.round) ?? 0, v));
          return acc;
        }, new Map<number, number>());
      const s = stat([...perRound.values()].filter((v) => v > 0));
      return s.n === 0 ? '–' : int(s.median);
    };
    lines.push(`| ${configNamed(config).label} | ${services.map(cell).join(' | ')} |`);
  }
  return [...lines, ''];
}

function idleTable(result: BenchResult): string[] {
  const idle = result.idle ?? [];
  const services = START_ORDER.filter((s) => idle.some((i) => i.byService[s] !== undefined));
  if (services.length === 0) return [];
  const rates = Object.entries(result.rates).map(([p, r]) => `${Math.round(1000 / r.rate)} µs at ${p}'s ${r.rate} req/s`);
  return [
    '#### Background CPU with no load (ms of CPU per second)',
    '',
    'What each process uses while no request comes, all threads: timers and monitors that run whatever the load. Measured after start-up and seeding, before the first path of each configuration, ' +
      `as the median over ${IDLE_STEP_MS} ms steps, so a one-off burst (such as the full collection V8 makes once a process falls idle) is not counted. ` +
      `Under load it is paid per request too: 1 ms/s is ${rates.join(', ')}.`,
    '',
    `| configuration | ${services.join(' | ')} |`,
    `| --- | ${services.map(() => '---:').join(' | ')} |`,
    ...idle.map((i) => `| ${configNamed(i.config).label} | ${services.map((s) => spread(i.byService[s], (n) => n.toFixed(1))).join(' | ')} |`),
    '',
  ];
}

function generatorTable(result: BenchResult): string[] {
  const lines = [
    '#### The generator and the machine at saturation',
    '',
    'The generator runs in its own process and shares the cores with the services; "other work" is machine-wide busy CPU not used by the bench\'s own processes.',
    '',
    '| path | configuration | generator (cores) | generator (µs/req) | other work (cores) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const s of result.summaries) {
    lines.push(`| ${s.path} | ${s.config} | ${spread(s.generatorCores, ratio)} | ${spread(s.generatorCpuUsPerRequest, int)} | ${spread(s.foreignCores, ratio)} |`);
  }
  return [...lines, ''];
}

function targetsTable(result: BenchResult): string[] {
  const lines = ['#### Targets', '', '| target | measured | limit | met |', '| --- | ---: | --- | --- |'];
  for (const t of result.targets) {
    const value = t.value === undefined ? '–' : Number.isInteger(t.value) ? String(t.value) : t.value.toFixed(2);
    const met = t.met === undefined ? 'not measured' : t.met ? 'yes' : 'no';
    lines.push(`| ${t.name} | ${value} | ${t.limit} | ${met}${t.note ? ` — ${t.note}` : ''} |`);
  }
  return [...lines, ''];
}

function soakSection(result: BenchResult): string[] {
  const soak = result.soak;
  if (!soak) return [];
  const lines = [
    `#### Soak: ${configNamed(soak.config).label}, ${Math.round(soak.durationMs / 1000)} s`,
    '',
    `Open loop on ${Object.entries(soak.rates).map(([p, r]) => `${p} at ${r} req/s`).join(', ')} at once. RSS saw-tooths with garbage collection, so growth compares floors: the lowest RSS of the first fifth after a ${Math.round(soak.warmupMs / 1000)} s warm-up with the lowest of the last fifth. ` +
      `Other work during the soak: median ${soak.foreignCores.median.toFixed(2)} cores (max ${soak.foreignCores.max.toFixed(2)}).`,
    '',
    '| process | RSS floor after warm-up (MiB) | RSS floor at end (MiB) | growth | slope after warm-up (MiB/min) |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const s of soak.series) {
    lines.push(`| ${s.service} | ${s.afterWarmupMiB.toFixed(1)} | ${s.finalMiB.toFixed(1)} | ${s.growthPct.toFixed(1)} % | ${s.slopeMiBPerMin.toFixed(2)} |`);
  }
  lines.push('', '| path | p50 (ms) | p99 (ms) | rate achieved | failed | generator fell behind |', '| --- | ---: | ---: | ---: | ---: | --- |');
  for (const [path, r] of Object.entries(soak.load)) {
    lines.push(`| ${path} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${r.rateAchieved.toFixed(0)} | ${r.requests.failed} | ${r.fellBehind ? r.fellBehindReasons.join('; ') : 'no'} |`);
  }
  return [...lines, ''];
}

/** How the result was produced: machine, settings, load. */
function provenance(result: BenchResult): string[] {
  const m = result.machine;
  const la = (l: [number, number, number]): string => l.map((x) => x.toFixed(2)).join(' / ');
  const waited = result.quiet.filter((q) => q.waitedMs > 1_500).length;
  const remeasured = result.runs.filter((r) => r.attempts > 1).length;
  const during = stat(result.runs.map((r) => r.closed.cost.foreignCpuMs / r.closed.cost.wallMs));
  const foreign = stat(result.quiet.map((q) => q.foreignCores));
  const s = result.settings;
  return [
    `Measured ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC with \`${result.command}\` on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}.`,
    result.soak
      ? `Soak run (see below).`
      : `${s.rounds} round(s), configurations interleaved and rotated each round; per path ${s.warmupMs / 1000} s warm-up, then ${s.durationMs / 1000} s closed loop at ${s.concurrency} workers and ${s.durationMs / 1000} s open loop (fixed arrivals, latency from the intended send time).`,
    s.pin
      ? `Processes pinned to cores (all their threads): ${Object.entries(s.pin).map(([name, cores]) => `${name} ${cores}`).join(', ')}.`
      : 'Processes not pinned: the kernel placed them on the cores and moved them as it liked.',
    ...(s.nodeFlags ? [`Every process, bare and stack alike, ran with \`${s.nodeFlags.join(' ')}\`.`] : []),
    `Load average (1/5/15 min) at start ${la(result.loadAverageAtStart)}, at end ${la(result.loadAverageAtEnd)}; other work before each configuration: median ${foreign.median.toFixed(2)} cores (max ${foreign.max.toFixed(2)})${waited > 0 ? `; waited for quiet ${waited} time(s)` : ''}` +
      (result.runs.length > 0 ? `; during the closed-loop runs: median ${during.median.toFixed(2)} cores (max ${during.max.toFixed(2)})${remeasured > 0 ? `; ${remeasured} path(s) measured again because other work disturbed them` : ''}.` : '.'),
    '',
  ];
}

/** The result as Markdown (headings from level 4, to sit under a document's own). */
export function benchMarkdown(result: BenchResult): string {
  return [
    ...provenance(result),
    ...result.settings.paths.filter(() => !result.soak).flatMap((p) => pathTable(result, p)),
    ...(result.soak ? [] : rssTable(result)),
    ...idleTable(result),
    ...targetsTable(result),
    ...(result.soak ? [] : generatorTable(result)),
    ...soakSection(result),
  ].join('\n');
}
