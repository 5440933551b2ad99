/** Thrown for an experiment file that does not say what it must; the message names the file and the field. */
export class ExperimentFileError extends Error {
  override readonly name = 'ExperimentFileError';
}

/**
 * Typed reads of one object parsed from YAML, each error naming where it is
 * (`experiments/x.yaml: load.routes[1].rate: …`). Unknown keys are refused, so
 * a misspelt field never silently takes its default.
 */
export class FieldReader {
  constructor(
    private readonly source: string,
    readonly path: string,
    private readonly value: Record<string, unknown>,
  ) {}

  /** Reads `value` as an object at `path`, refusing keys other than `known`. */
  static object(source: string, path: string, value: unknown, known: readonly string[]): FieldReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ExperimentFileError(`${source}: ${path || 'the file'}: expected a mapping (key: value), got ${describe(value)}`);
    }
    const reader = new FieldReader(source, path, value as Record<string, unknown>);
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) reader.fail(key, `unknown field (known: ${known.join(', ')})`);
    }
    return reader;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  /** Where `key` is, for messages: `load.routes[0].rate`. */
  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, message: string): never {
    throw new ExperimentFileError(`${this.source}: ${this.at(key)}: ${message}`);
  }

  /** Runs `parse` on the field, turning its error into one that names the field. */
  parsed<T>(key: string, parse: (value: unknown) => T): T {
    try {
      return parse(this.value[key]);
    } catch (err) {
      if (err instanceof ExperimentFileError) throw err;
      return this.fail(key, (err as Error).message);
    }
  }

  string(key: string, options: { pattern?: RegExp; hint?: string } = {}): string {
    const v = this.value[key];
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, `expected a non-empty string, got ${describe(v)}`);
    if (options.pattern && !options.pattern.test(v)) this.fail(key, `${JSON.stringify(v)} is not ${options.hint ?? `matching ${options.pattern}`}`);
    return v;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string, min: number, max: number, options: { integer?: boolean } = {}): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (options.integer && !Number.isInteger(v))) {
      this.fail(key, `expected ${options.integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${describe(v)}`);
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    if (!this.has(key)) return fallback;
    const v = this.value[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) this.fail(key, `expected one of ${values.join(', ')}, got ${describe(v)}`);
    return v as T;
  }

  /** A non-empty list, each item read by `item` with its own path (`key[i]`). */
  list<T>(key: string, item: (value: unknown, path: string) => T, options: { optional?: boolean } = {}): T[] {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (options.optional) return [];
      this.fail(key, 'required: a list of at least one item');
    }
    if (!Array.isArray(v) || v.length === 0) this.fail(key, `expected a list of at least one item, got ${describe(v)}`);
    return v.map((x, i) => item(x, `${this.at(key)}[${i}]`));
  }
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
