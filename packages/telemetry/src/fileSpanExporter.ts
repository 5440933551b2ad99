import { appendFileSync } from 'node:fs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { toSpanRecord } from './spanRecord';

/**
 * Appends each finished span as one JSON line (see `SpanRecord`) to a file,
 * so tests can assert on traces that cross processes: every process appends
 * to the same file. Writes are synchronous, and lines are short, so the lines
 * of concurrent writers do not interleave and a span is on disk as soon as it
 * is exported, even if the process is killed after. Meant for tests and local
 * debugging, not for production traffic.
 */
export class FileSpanExporter implements SpanExporter {
  private stopped = false;

  /** @param path the JSON-lines file; created if missing */
  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    try {
      appendFileSync(this.path, spans.map((span) => `${JSON.stringify(toSpanRecord(span))}\n`).join(''));
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
