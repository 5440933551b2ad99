import { decodeFromCompressedBase64, JsHistogram } from 'hdr-histogram-js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpTarget } from './httpTarget';
import type { LoadReport } from './LoadReport';
import type { LoadTarget, RequestOutcome } from './LoadTarget';
import { runClosedLoop } from './runClosedLoop';
import { runOpenLoop } from './runOpenLoop';

const servers: Server[] = [];
const targets: LoadTarget[] = [];

afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * An HTTP server on 127.0.0.1:0 that answers at once, except once: `stallAfterMs`
 * after its first request it stalls for `stallMs`, holding every request that
 * arrives meanwhile until the stall ends.
 */
async function stallingServer(stallAfterMs: number, stallMs: number): Promise<number> {
  let firstAt: number | undefined;
  let stallUntil: number | undefined;
  const server = createServer((_req, res) => {
    const now = Date.now();
    firstAt ??= now;
    if (stallUntil === undefined && now - firstAt >= stallAfterMs) stallUntil = now + stallMs;
    const hold = stallUntil === undefined ? 0 : stallUntil - now;
    if (hold > 0) setTimeout(() => res.end('late'), hold);
    else res.end('ok');
  });
  return listen(server);
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function target(port: number): LoadTarget {
  const t = httpTarget({ port, requests: [{ path: '/' }] });
  targets.push(t);
  return t;
}

/** How many requests of a report took at least `ms`, from its HdrHistogram (µs). */
function countAtLeast(report: LoadReport, ms: number): number {
  const histogram = decodeFromCompressedBase64(report.latencyHistogram) as JsHistogram;
  const iterator = histogram.recordedValuesIterator;
  iterator.reset();
  let n = 0;
  while (iterator.hasNext()) {
    const v = iterator.next();
    if (v.valueIteratedTo >= ms * 1000) n += v.countAtValueIteratedTo;
  }
  return n;
}

/** Busy-waits, blocking the event loop, as a GC pause or a CPU-starved generator would. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* spin */
  }
}

describe('runOpenLoop', () => {
  it('counts every request due during a 1 s stall with its full delay (coordinated omission corrected)', async () => {
    // Warm-up 250 ms, then the stall 1 s into the measured 3 s.
    const port = await stallingServer(1250, 1000);
    const report = await runOpenLoop({ target: target(port), rate: 200, durationMs: 3000, warmupMs: 250 });

    expect(report.requests.sent).toBe(600);
    expect(report.requests.completed).toBe(600);
    expect(report.codes).toEqual({ '200': 600 });
    // ~200 requests were due during the stall, waiting 1000…0 ms: a third of all,
    // about half of those 500 ms or more; the other two thirds were not delayed.
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(900);
    expect(report.latencyMs.p90).toBeGreaterThanOrEqual(500);
    expect(countAtLeast(report, 500)).toBeGreaterThanOrEqual(90);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(950);
    expect(report.latencyMs.p50).toBeLessThan(250);
    // The generator itself kept the rate: the delay is the system's, not its own.
    expect(Math.abs(report.rateAchieved / 200 - 1)).toBeLessThan(0.03);
    expect(report.requests.missed).toBe(0);
    expect(report.sendLagMs!.p50).toBeLessThan(10);
  });

  it('a closed loop against the same stall hides it (what the open loop corrects)', async () => {
    const port = await stallingServer(300, 1000);
    const report = await runClosedLoop({ target: target(port), concurrency: 2, durationMs: 1800 });
    // Only the requests in flight when it began saw the stall: one per worker.
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(900);
    expect(countAtLeast(report, 500)).toBeLessThanOrEqual(2);
    expect(report.latencyMs.p99).toBeLessThan(report.latencyMs.max / 3);
  });

  it('holds a fixed rate evenly: every 500 ms slice gets its share', async () => {
    const port = await listen(createServer((_req, res) => res.end('ok')));
    const inner = target(port);
    const sendTimes: number[] = [];
    const counting: LoadTarget = {
      description: inner.description,
      send: (timeoutMs) => {
        sendTimes.push(performance.now());
        return inner.send(timeoutMs);
      },
      close: () => inner.close(),
    };
    const report = await runOpenLoop({ target: counting, rate: 500, durationMs: 2000, warmupMs: 300 });

    expect(report.requests.sent).toBe(1000);
    expect(report.requests.ok).toBe(1000);
    expect(Math.abs(report.rateAchieved / 500 - 1)).toBeLessThan(0.03);
    expect(report.sendLagMs!.p50).toBeLessThan(10);
    const measured = sendTimes.slice(-1000);
    const first = measured[0]!;
    const slices = [0, 0, 0, 0];
    for (const t of measured) slices[Math.min(3, Math.floor((t - first) / 500))]!++;
    for (const n of slices) expect(Math.abs(n / 250 - 1)).toBeLessThan(0.1);
  });

  it('reports falling behind when its own sends leave late, and still counts them from the intended time', async () => {
    const port = await listen(createServer((_req, res) => res.end('ok')));
    setTimeout(() => blockEventLoop(300), 500);
    const report = await runOpenLoop({ target: target(port), rate: 200, durationMs: 1500 });

    expect(report.requests.sent).toBe(300);
    expect(report.fellBehind).toBe(true);
    expect(report.fellBehindReasons.join()).toMatch(/p99 send lag/);
    expect(report.sendLagMs!.max).toBeGreaterThanOrEqual(250);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(250);
  });

  it('bounds requests in flight and counts the requests it never sent as missed', async () => {
    const slow: LoadTarget = {
      description: 'slow fake',
      send: () => new Promise<RequestOutcome>((resolve) => setTimeout(() => resolve({ ok: true, code: 'OK' }), 100)),
      close: async () => undefined,
    };
    const report = await runOpenLoop({ target: slow, rate: 100, durationMs: 1000, maxInFlight: 2, giveUpAfterMs: 200 });

    // Two at a time, 100 ms each: ~20 per second can leave, not 100.
    expect(report.requests.sent).toBeGreaterThan(15);
    expect(report.requests.sent).toBeLessThan(30);
    expect(report.requests.intended).toBe(100);
    expect(report.requests.missed).toBe(100 - report.requests.sent);
    expect(report.fellBehind).toBe(true);
    expect(report.fellBehindReasons.join()).toMatch(/never sent/);
  });

  it('sends Poisson arrivals at the asked mean rate without being reported behind by chance', async () => {
    let a = 7;
    const random = (): number => ((a = (a * 48271) % 2147483647) / 2147483647);
    const instant: LoadTarget = { description: 'instant', send: async () => ({ ok: true, code: 'OK' }), close: async () => undefined };
    const report = await runOpenLoop({ target: instant, rate: 1000, arrival: 'poisson', durationMs: 1000, random });
    expect(report.arrival).toBe('poisson');
    expect(report.requests.sent).toBe(report.requests.intended);
    expect(Math.abs(report.requests.sent / 1000 - 1)).toBeLessThan(0.1);
    expect(report.fellBehindReasons.filter((r) => r.startsWith('achieved'))).toEqual([]);
  });

  it('stops sending when aborted, counting the rest as missed', async () => {
    const instant: LoadTarget = { description: 'instant', send: async () => ({ ok: true, code: 'OK' }), close: async () => undefined };
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const report = await runOpenLoop({ target: instant, rate: 2, durationMs: 10_000, signal: abort.signal });
    expect(report.durationMs).toBeLessThan(1000);
    expect(report.requests.sent).toBe(1);
    expect(report.requests.missed).toBe(19);
  });

  it('stops at maxRequests', async () => {
    const instant: LoadTarget = { description: 'instant', send: async () => ({ ok: false, code: 'UNAVAILABLE' }), close: async () => undefined };
    const report = await runOpenLoop({ target: instant, rate: 1000, durationMs: 10_000, maxRequests: 50 });
    expect(report.requests.sent).toBe(50);
    expect(report.durationMs).toBeLessThan(1000);
    expect(report.successRatio).toBe(0);
    expect(report.codes).toEqual({ UNAVAILABLE: 50 });
  });

  it('rejects a bad rate before sending anything', async () => {
    const never: LoadTarget = { description: 'never', send: () => Promise.reject(new Error('sent')), close: async () => undefined };
    await expect(runOpenLoop({ target: never, rate: 0 })).rejects.toThrow(/rate must be a number/);
  });
});
