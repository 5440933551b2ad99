import { trace, type Attributes, type Context } from '@opentelemetry/api';

/** Attributes, or a function computing them; the function runs only when the span records. */
export type LazyAttributes = Attributes | (() => Attributes);

/**
 * Adds an event to the span of `context` (a call's trace context, see
 * `CallContext.trace`) when that span is recording (sampled); otherwise does
 * nothing, and a function given for `attributes` is not called. Attribute
 * values must be bounded facts (policy names, counts, codes), never request
 * bodies or personal data.
 */
export function spanEvent(context: Context, name: string, attributes?: LazyAttributes): void {
  const span = trace.getSpan(context);
  if (span === undefined || !span.isRecording()) return;
  span.addEvent(name, typeof attributes === 'function' ? attributes() : attributes);
}

/** Sets attributes on the span of `context` when it is recording; same rules as `spanEvent`. */
export function setSpanAttributes(context: Context, attributes: LazyAttributes): void {
  const span = trace.getSpan(context);
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes(typeof attributes === 'function' ? attributes() : attributes);
}
