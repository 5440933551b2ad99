import { describe, expect, it } from 'vitest';
import { formatReport } from './formatReport';
import type { LoadReport } from './LoadReport';

const latency = { count: 10, min: 1, mean: 2, p50: 2, p90: 3, p99: 120.4, p999: 130, max: 131 };
const report: LoadReport = {
  mode: 'open',
  target: 'GET http://127.0.0.1:8080/',
  startedAt: '2025-01-01T00:00:00.000Z',
  arrival: 'fixed',
  rateAsked: 100,
  rateAchieved: 80,
  throughput: 79,
  durationMs: 1000,
  sendWindowMs: 1000,
  requests: { intended: 100, sent: 80, completed: 80, ok: 79, failed: 1, missed: 20 },
  successRatio: 79 / 80,
  codes: { '200': 79, '503': 1 },
  latencyMs: latency,
  sendLagMs: latency,
  fellBehind: true,
  fellBehindReasons: ['20 intended requests never sent'],
  latencyHistogram: '',
};

describe('formatReport', () => {
  it('summarises rate, counts, codes, quantiles and falling behind', () => {
    const text = formatReport(report);
    expect(text).toContain('asked 100.0 req/s (fixed), achieved 80.0 req/s');
    expect(text).toContain('80 sent, 80 completed, 79 ok, 20 missed');
    expect(text).toContain('success  98.750%   codes 200=79 503=1');
    expect(text).toContain('p50 2.00  p90 3.00  p99 120  p99.9 130  max 131 ms (from intended send time)');
    expect(text).toContain('FELL BEHIND: 20 intended requests never sent');
  });

  it('leaves out open-loop lines for a closed loop', () => {
    const closed = formatReport({ ...report, mode: 'closed', concurrency: 4, sendLagMs: undefined, fellBehind: false, fellBehindReasons: [] });
    expect(closed).toContain('workers  4, throughput 79.0 req/s');
    expect(closed).not.toMatch(/send lag|FELL BEHIND|intended send time/);
  });
});
