import type { FaultRuleSpec } from '@govrnanza/faults';
import { formatDuration } from './duration';
import { QUANTILES, type Probe } from './experimentFile';
import { fmt, percent, QUANTILE_LABEL } from './hypothesis';
import { mdTable, ms, relativeError } from './markdown';
import type { ExperimentResult, PhaseResult, VariantResult } from './resultTypes';

/** report.md: what was run, what held, what was measured, what the model predicted, and on what assumptions. */
export function renderReport(result: ExperimentResult, chartFile = 'chart.svg'): string {
  const e = result.experiment;
  const sections = [
    `# ${e.title}`,
    e.description,
    runLine(result),
    `**${result.passed ? 'PASS' : 'FAIL'}**: ${result.passed ? 'every variant behaved as the experiment expects.' : 'at least one variant did not behave as the experiment expects.'}`,
    verdictTable(result),
    `![Latency quantiles and availability per variant under the fault](${chartFile})`,
    '## Hypothesis (the steady state)',
    e.hypothesis.map((p) => `- ${probeText(p)}`).join('\n'),
    'It is checked before the faults are injected and after they are removed (short load, no faults), and under the faults (the measured window). A variant passes when the steady state holds before and after, and under the faults it holds or breaks as the variant expects.',
    '## Faults',
    e.faults.map((f) => `- ${faultText(f)}`).join('\n'),
    '## Load',
    loadText(result),
    '## Under the faults: observed',
    observedTable(result),
    '## Hypothesis checks',
    checksTable(result),
    '## Predicted and observed',
    'The chain-cost model (packages/chaincost) predicts each route from the call graph and the edges measured during the same window; the relative error is (predicted − observed) / observed.',
    predictionTable(result),
    ...tailSection(result),
    '## Load on the dependencies',
    attemptsTable(result),
    pressureTable(result),
    '## Model inputs: the edges as measured',
    edgesTable(result),
    ...notesSection(result),
    '## Assumptions',
    result.assumptions.map(assumptionList).join('\n\n'),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function runLine(r: ExperimentResult): string {
  const [l0, l1] = r.machine.loadAverage1m;
  return (
    `Run \`${r.command}\` from ${r.startedAt} to ${r.finishedAt}: faults ${r.backend === 'local' ? 'in code (fault admin RPC)' : 'by Istio'}, ` +
    `system ${r.system === 'started' ? 'started by the runner (five processes on loopback)' : 'already running'}, ` +
    `${r.machine.cpus} CPUs shared with the load generator (1-minute load average ${fmt(l0 ?? 0)} at the start, ${fmt(l1 ?? 0)} at the end), Node ${r.machine.node}.`
  );
}

function verdictTable(r: ExperimentResult): string {
  const rows = r.variants.map((v) => [
    v.name,
    envText(v),
    v.expect === 'holds' ? 'holds' : 'breaks',
    phaseText(v, 'before'),
    phaseText(v, 'during'),
    phaseText(v, 'after'),
    `${v.passed ? '✅' : '❌'} ${v.verdictText}`,
  ]);
  return mdTable(['variant', 'environment', 'expected under the faults', 'before', 'under the faults', 'after', 'verdict'], rows);
}

function envText(v: VariantResult): string {
  const entries = Object.entries(v.env);
  const parts = entries.map(([k, val]) => `${k}=${val}`);
  if (v.fanout !== undefined) parts.push(`n=${v.fanout}`);
  return parts.length ? parts.join(' ') : 'defaults';
}

function phaseText(v: VariantResult, phase: PhaseResult['phase']): string {
  const p = v.phases.find((x) => x.phase === phase);
  return p ? (p.holds ? 'holds' : 'breaks') : '—';
}

function probeText(p: Probe): string {
  if (p.kind === 'service') return `${p.service} receives at most ${fmt(p.maxAttemptsPerRequest)} attempts per request sent to the gateway`;
  const parts: string[] = [];
  if (p.availability !== undefined) parts.push(`availability ≥ ${percent(p.availability)}`);
  for (const q of QUANTILES) if (p.latencyMs[q] !== undefined) parts.push(`${QUANTILE_LABEL[q]} ≤ ${fmt(p.latencyMs[q]!)} ms`);
  return `${p.route}: ${parts.join(', ')}`;
}

function faultText(f: FaultRuleSpec): string {
  const what: string[] = [];
  if (f.delayMs !== undefined) what.push(`delay ${fmt(f.delayMs)} ms`);
  if (f.latency) what.push(`latency p50 ${f.latency.p50} ms, p90 ${f.latency.p90} ms, p99 ${f.latency.p99} ms, p99.9 ${f.latency.p999} ms`);
  if (f.abort !== undefined) what.push(`abort with ${String(f.abort)}`);
  if (f.drop) what.push('drop the response after the handler ran');
  return `${f.service} ${f.method && f.method !== '*' ? f.method : '(every method)'}: ${what.join(', ')} on ${f.percent ?? 100} % of calls`;
}

function loadText(r: ExperimentResult): string {
  const { load, check } = r.experiment;
  const routes = load.routes.map((x) => `${x.route} at ${x.rate} requests/s`).join(', ');
  return (
    `Open loop, ${load.arrival} arrivals (latency measured from each request's intended send time): ${routes}. ` +
    `Each recorded window follows ${formatDuration(load.warmupMs)} of unrecorded warm-up (under the faults for the measurement, so breakers and budgets settle). ` +
    `Measured under the faults for ${formatDuration(load.durationMs)}; steady state checked for ${formatDuration(check.durationMs)} before and after, ` +
    `${formatDuration(check.recoveryMs)} after the faults were removed. Request timeout ${formatDuration(load.timeoutMs)}.`
  );
}

function during(v: VariantResult): PhaseResult | undefined {
  return v.phases.find((p) => p.phase === 'during');
}

function observedTable(r: ExperimentResult): string {
  const rows: string[][] = [];
  for (const v of r.variants) {
    const p = during(v);
    if (!p) {
      rows.push([v.name, '—', 'not measured', '', '', '', '', '', '', '', '']);
      continue;
    }
    for (const run of p.routes) {
      const l = run.report.latencyMs;
      const codes = Object.entries(run.report.codes).sort(([, a], [, b]) => b - a).map(([c, n]) => `${c}×${n}`).join(' ');
      rows.push([v.name, run.route, String(run.report.requests.completed), percent(run.report.successRatio), run.degraded === undefined ? '—' : percent(run.degraded), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max), codes]);
    }
  }
  return mdTable(['variant', 'route', 'requests', 'availability', 'degraded', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'status codes'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']);
}

function checksTable(r: ExperimentResult): string {
  const rows: string[][] = [];
  for (const v of r.variants) {
    const subjects = [...new Set(v.phases.flatMap((p) => p.probes.map((x) => x.subject)))];
    for (const subject of subjects) {
      const cell = (phase: PhaseResult['phase']): string => {
        const probe = v.phases.find((p) => p.phase === phase)?.probes.find((x) => x.subject === subject);
        return probe ? `${probe.observed} ${probe.holds ? '✓' : '✗'}` : '—';
      };
      const expected = v.phases.flatMap((p) => p.probes).find((x) => x.subject === subject)!.expected;
      rows.push([v.name, subject, expected, cell('before'), cell('during'), cell('after')]);
    }
  }
  return mdTable(['variant', 'check', 'expected', 'before', 'under the faults', 'after'], rows);
}

function predictionTable(r: ExperimentResult): string {
  const rows: string[][] = [];
  for (const v of r.variants) {
    for (const p of v.predictions) {
      for (const c of p.comparisons) {
        if (c.metric === 'unavailability' && c.predicted === 0 && c.observed === 0) continue;
        const isRatio = c.metric === 'availability' || c.metric === 'unavailability';
        const name = c.metric === 'p999' ? 'p99.9' : c.metric;
        rows.push([v.name, p.route, isRatio ? name : `${name} ms`, isRatio ? percent(c.predicted) : ms(c.predicted), isRatio ? percent(c.observed) : ms(c.observed), relativeError(c.relativeError)]);
      }
    }
  }
  if (rows.length === 0) return '_No prediction: the services\' metrics were not available._';
  return mdTable(['variant', 'route', 'metric', 'predicted', 'observed', 'relative error'], rows, ['l', 'l', 'l', 'r', 'r', 'r']);
}

function tailSection(r: ExperimentResult): string[] {
  const rows: string[][] = [];
  for (const v of r.variants) {
    for (const p of v.predictions) {
      for (const t of p.tail) {
        const err = (x: number): string => relativeError(t.observed > 0 ? (x - t.observed) / t.observed : null);
        rows.push([v.name, String(t.n), `${fmt(t.thresholdMs)} ms`, percent(t.perCall), `${percent(t.predicted)} (${err(t.predicted)})`, `${percent(t.modelPredicted)} (${err(t.modelPredicted)})`, percent(t.observed)]);
      }
    }
  }
  if (rows.length === 0) return [];
  return [
    '### Tail amplification: P(request slower than a threshold)',
    'p is the measured share of single calls slower than the threshold (from the edge\'s histogram); a request of n parallel calls is slower when any call is, so 1 − (1 − p)ⁿ (the calls alone). The whole model adds the gateway\'s own time (Monte Carlo). Relative errors against the observed share in brackets.',
    mdTable(['variant', 'n', 'threshold', 'p (one call)', '1 − (1 − p)ⁿ', 'model', 'observed'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
  ];
}

function attemptsTable(r: ExperimentResult): string {
  const services = ['account', 'profile', 'registry', 'billing'];
  const rows = r.variants.flatMap((v) => {
    const p = during(v);
    if (!p?.attemptsPerRequest) return [];
    return [[v.name, ...services.map((s) => fmt(p.attemptsPerRequest![s] ?? 0))]];
  });
  if (rows.length === 0) return '';
  return `Attempts each service received per request sent to the gateway, under the faults:\n\n${mdTable(['variant', ...services], rows, ['l', 'r', 'r', 'r', 'r'])}`;
}

function pressureTable(r: ExperimentResult): string {
  const rows = r.variants.flatMap((v) =>
    v.pressure.map((e) => [v.name, e.key, fmt(e.callsPerSecond), fmt(e.attemptsPerCall), percent(e.callSuccess), ms(e.meanCallMs), fmt(e.inFlight), percent(e.refused)]),
  );
  if (rows.length === 0) return '';
  return (
    'Each edge under the faults, as its caller saw it (logical calls; in flight = calls/s × mean call latency, the slots a hanging dependency holds):\n\n' +
    mdTable(['variant', 'edge', 'calls/s', 'attempts per call', 'call success', 'mean call ms', 'in flight', 'refused before an attempt'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'])
  );
}

function edgesTable(r: ExperimentResult): string {
  const rows = r.variants.flatMap((v) =>
    v.predictions.flatMap((p) =>
      p.edges.map((e) => [
        v.name,
        p.route,
        e.key,
        e.source === 'own' ? 'own part' : e.source,
        String(e.attempts),
        percent(e.successRatio),
        ms(e.meanMs),
        percent(e.refusedRatio),
        percent(e.budgetShare),
        e.timeoutMs === undefined ? '—' : `${e.timeoutMs} ms`,
        String(e.maxAttempts),
      ]),
    ),
  );
  if (rows.length === 0) return '';
  return mdTable(['variant', 'route', 'edge', 'figures', 'attempts', 'success per attempt', 'mean ms', 'refused', 'retries let through', 'attempt timeout', 'max attempts'], rows, ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}

function notesSection(r: ExperimentResult): string[] {
  const notes = r.variants.flatMap((v) => v.notes.map((n) => `- ${v.name}: ${n}`));
  return notes.length ? ['## Notes', notes.join('\n')] : [];
}

function assumptionList(text: string): string {
  const [head, ...lines] = text.split('\n');
  return `${head}\n\n${lines.join('\n')}`;
}
