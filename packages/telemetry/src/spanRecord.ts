import { readFileSync } from 'node:fs';
import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** One finished span as a line of an `OTEL_TRACES_FILE` (JSON lines). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** The parent's span id; absent for a root span. */
  parentSpanId?: string;
  name: string;
  kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  /** The `service.name` resource attribute of the emitting process. */
  'service.name': string;
  /** Instrumentation scope, e.g. `@govrnanza/telemetry` (gRPC and HTTP spans) or `@opentelemetry/instrumentation-ioredis`. */
  scope: string;
  attributes: Attributes;
  events: { name: string; timeUnixMs: number; attributes: Attributes }[];
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
  /** Start and end, in epoch milliseconds (fractional). */
  startTimeUnixMs: number;
  endTimeUnixMs: number;
}

/** The record of a finished span. */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const ctx = span.spanContext();
  const record: SpanRecord = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: span.name,
    kind: SpanKind[span.kind] as SpanRecord['kind'],
    'service.name': String(span.resource.attributes['service.name'] ?? ''),
    scope: span.instrumentationScope.name,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, timeUnixMs: hrTimeToMs(e.time), attributes: e.attributes ?? {} })),
    status: { code: SpanStatusCode[span.status.code] as SpanRecord['status']['code'] },
    startTimeUnixMs: hrTimeToMs(span.startTime),
    endTimeUnixMs: hrTimeToMs(span.endTime),
  };
  if (span.parentSpanContext !== undefined) record.parentSpanId = span.parentSpanContext.spanId;
  if (span.status.message) record.status.message = span.status.message;
  return record;
}

/** Reads every span record of a traces file (a missing file reads as none). */
export function readSpanRecords(path: string): SpanRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SpanRecord);
}

function hrTimeToMs([seconds, nanos]: HrTime): number {
  return seconds * 1000 + nanos / 1e6;
}
