import { SpanKind } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Server-span attributes that identify the person behind a request: their
 * address, their user agent, and the query string (free text the gateway
 * does not use). Govrnanza's own spans never set them (rpcSpans.ts); library
 * instrumentations (e.g. OpenTelemetry's HTTP one) do.
 */
export const REDACTED_SERVER_ATTRIBUTES: readonly string[] = [
  'client.address',
  'client.port',
  'network.peer.address',
  'network.peer.port',
  'user_agent.original',
  'url.query',
];

/**
 * Removes `REDACTED_SERVER_ATTRIBUTES` from server spans as they end, before
 * any exporter sees them, so personal data never leaves the process in
 * traces, whatever instrumentation is added later: a safety net under the
 * runtime's own spans. Client spans keep their peer address (it is a service's).
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(span: Span): void {
    if (span.kind !== SpanKind.SERVER) return;
    // The SDK lets processors change a span in onEnding; there is no API to remove an attribute.
    const attributes = span.attributes as Record<string, unknown>;
    for (const key of REDACTED_SERVER_ATTRIBUTES) delete attributes[key];
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
