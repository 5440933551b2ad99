/** A configuration problem found at start-up; lists every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Typed readers over an environment; each records a problem instead of throwing. */
export interface EnvReader {
  /** A string; `fallback` when unset or empty. */
  string(name: string, fallback: string): string;
  /** A string or undefined when unset or empty. */
  optional(name: string): string | undefined;
  /** An integer in [min, max]; `fallback` when unset. */
  int(name: string, fallback: number, range?: { min?: number; max?: number }): number;
  /** One of `values`; `fallback` when unset. */
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T;
  /** `on/off`, `true/false`, `1/0`, `yes/no`; `fallback` when unset. */
  bool(name: string, fallback: boolean): boolean;
  /** JSON parsed then checked by `validate`, which throws with a message on a bad value. */
  json<T>(name: string, fallback: T, validate: (value: unknown) => T): T;
  /** A `host:port` address. */
  address(name: string, fallback: string): string;
  /** Records a problem with `name` that no single reader can see (e.g. a missing companion). */
  problem(name: string, message: string): void;
}

/**
 * Reads configuration with `build`, collecting every problem, and throws one
 * ConfigError naming all bad variables. Config enters the process here, once.
 */
export function readConfig<T>(build: (env: EnvReader) => T, source: NodeJS.ProcessEnv = process.env): T {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const v = source[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const bad = <V>(name: string, value: string, expected: string, fallback: V): V => {
    problems.push(`${name}=${JSON.stringify(value)}: expected ${expected}`);
    return fallback;
  };
  const reader: EnvReader = {
    string: (name, fallback) => raw(name) ?? fallback,
    optional: (name) => raw(name),
    int(name, fallback, range = {}) {
      const v = raw(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
      if (!/^-?\d+$/.test(v) || n < min || n > max) return bad(name, v, `an integer in [${min}, ${max}]`, fallback);
      return n;
    },
    oneOf(name, values, fallback) {
      const v = raw(name);
      if (v === undefined) return fallback;
      return (values as readonly string[]).includes(v) ? (v as typeof fallback) : bad(name, v, `one of ${values.join(', ')}`, fallback);
    },
    bool(name, fallback) {
      const v = raw(name)?.toLowerCase();
      if (v === undefined) return fallback;
      if (['on', 'true', '1', 'yes'].includes(v)) return true;
      if (['off', 'false', '0', 'no'].includes(v)) return false;
      return bad(name, v, 'on/off, true/false, 1/0 or yes/no', fallback);
    },
    json(name, fallback, validate) {
      const v = raw(name);
      if (v === undefined) return fallback;
      try {
        return validate(JSON.parse(v));
      } catch (err) {
        return bad(name, v.length > 80 ? `${v.slice(0, 80)}…` : v, `valid JSON (${(err as Error).message})`, fallback);
      }
    },
    address(name, fallback) {
      const v = raw(name);
      if (v === undefined) return fallback;
      return /^[\w.-]+:\d{1,5}$|^\[[\da-fA-F:]+\]:\d{1,5}$/.test(v) ? v : bad(name, v, 'host:port', fallback);
    },
    problem(name, message) {
      problems.push(`${name}: ${message}`);
    },
  };
  const config = build(reader);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
