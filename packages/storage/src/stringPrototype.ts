/**
 * Puts `String.prototype` back in V8's fast mode after a library subclassed
 * `String`, and keeps it there.
 *
 * ioredis defines `class VerbatimString extends String` (RESP3 verbatim
 * strings) when it loads. V8 answers the first `extends String` by turning
 * `String.prototype` into a dictionary of properties, to make the additions
 * it expects cheap, and turns it back only when a property is loaded through
 * some object whose prototype chain reaches it (an instance of a subclass
 * with an own property does it; `Object.create(String.prototype)` does not).
 * A load on a string, a primitive, never does: the prototype stays a
 * dictionary for the life of the process. Optimized code then cannot embed
 * where `charCodeAt`, `slice`, `toLowerCase` and the other string methods
 * live, and looks each one up through the inline-cache stub on every call
 * (about 125 instructions per lookup on Node 20): every string method called
 * by optimized code of the process, in this repository's code, grpc-js,
 * Node's HTTP/2, protobuf and OpenTelemetry.
 *
 * Loading a property through an instance of a `String` subclass that has an
 * own property makes V8 lay the chain out for fast access again, and marks
 * `String.prototype` so that later subclasses leave it as it is. Call it
 * once, after the module that subclasses `String` has loaded.
 */
export function keepStringPrototypeFast(): void {
  const probe = new StringProbe();
  // The lookup through the probe is what lays the chain out; the check only keeps it from being dropped.
  if (typeof probe.charCodeAt !== 'function') throw new Error('String.prototype.charCodeAt is missing');
}

/** A String subclass whose instances get an own property after construction (a plain subclass instance does not do). */
class StringProbe extends String {
  mark: number;

  constructor() {
    super('');
    this.mark = 1;
  }
}
