/**
 * Label children of one metric family, created on first use and kept for the
 * life of the process. A lookup walks three nested Maps keyed by the label
 * values (or objects standing for several of them), so recording a sample
 * builds no key string and calls prom-client's `labels()` only once per tuple.
 * Families with fewer than three keys pass `null` for the unused ones.
 */
export class ChildCache<A, B, C, V> {
  private readonly root = new Map<A, Map<B, Map<C, V>>>();

  /** @param create builds the child of a tuple seen for the first time */
  constructor(private readonly create: (a: A, b: B, c: C) => V) {}

  /** The child for the tuple (a, b, c). */
  get(a: A, b: B, c: C): V {
    let byB = this.root.get(a);
    if (byB === undefined) {
      byB = new Map();
      this.root.set(a, byB);
    }
    let byC = byB.get(b);
    if (byC === undefined) {
      byC = new Map();
      byB.set(b, byC);
    }
    let child = byC.get(c);
    if (child === undefined) {
      child = this.create(a, b, c);
      byC.set(c, child);
    }
    return child;
  }
}
