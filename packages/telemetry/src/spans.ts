import { trace, type Attributes } from '@opentelemetry/api';

/** Attributes, or a function computing them; the function runs only when the active span records. */
export type LazyAttributes = Attributes | (() => Attributes);

/**
 * Adds an event to the active span when that span is recording (sampled);
 * otherwise does nothing, and a function given for `attributes` is not called.
 * Attribute values must be bounded facts (policy names, counts, codes),
 * never request bodies or personal data.
 */
export function spanEvent(name: string, attributes?: LazyAttributes): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.addEvent(name, typeof attributes === 'function' ? attributes() : attributes);
}

/** Sets attributes on the active span when it is recording; same rules as `spanEvent`. */
export function setSpanAttributes(attributes: LazyAttributes): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes(typeof attributes === 'function' ? attributes() : attributes);
}
