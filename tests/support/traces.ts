import { readSpanRecords, type SpanRecord } from '@govrnanza/telemetry';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every span record of several OTEL_TRACES_FILE files (one per process). */
export function readAllSpans(files: Iterable<string>): SpanRecord[] {
  return [...files].flatMap((f) => readSpanRecords(f));
}

/**
 * The spans of one trace, read from the processes' traces files, once `done`
 * accepts them. Spans reach the files when they end, and a server span may end
 * just after the client has its answer: poll. Throws with what it found after
 * `timeoutMs` (default 5 000).
 */
export async function waitForTrace(files: Iterable<string>, traceId: string, done: (spans: SpanRecord[]) => boolean, timeoutMs = 5_000): Promise<SpanRecord[]> {
  const list = [...files];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const spans = readAllSpans(list).filter((s) => s.traceId === traceId);
    if (done(spans)) return spans;
    if (Date.now() > until) {
      throw new Error(`trace ${traceId}: spans not complete after ${timeoutMs} ms:\n${spans.map((s) => `${s['service.name']} ${s.kind} ${s.name}`).join('\n')}`);
    }
    await sleep(50);
  }
}
