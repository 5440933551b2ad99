import { HttpError } from './httpError';

const invalid = (field: string, problem: string): HttpError => new HttpError(400, 'INVALID_ARGUMENT', `${field}: ${problem}`, { field });

/** Typed reads of JSON body fields; a wrong type is a 400 naming the field. Missing fields read as empty. */
export class Fields {
  constructor(private readonly body: Record<string, unknown>) {}

  string(field: string): string {
    const v = this.body[field];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw invalid(field, 'must be a string');
    return v;
  }

  /** A required string: missing or empty is a 400. */
  required(field: string): string {
    const v = this.string(field);
    if (v.trim() === '') throw invalid(field, 'is required');
    return v;
  }

  integer(field: string): number {
    const v = this.body[field];
    if (v === undefined || v === null) throw invalid(field, 'is required');
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(field, 'must be an integer');
    return v;
  }

  boolean(field: string): boolean {
    const v = this.body[field];
    if (typeof v !== 'boolean') throw invalid(field, 'must be true or false');
    return v;
  }

  /** One of `values` (case-insensitive, `-`/`_` alike); 400 listing them otherwise. */
  oneOf<T>(field: string, values: Record<string, T>): T {
    const raw = this.required(field);
    const v = values[raw.toLowerCase().replace(/-/g, '_')];
    // Listed as the API documents them (pay-as-you-go); `_` is accepted too.
    if (v === undefined) throw invalid(field, `must be one of ${Object.keys(values).map((k) => k.replace(/_/g, '-')).join(', ')}`);
    return v;
  }
}

/** A query parameter as a non-negative integer (0 when absent); 400 otherwise. */
export function queryInt(query: URLSearchParams, name: string): number {
  const v = query.get(name);
  if (v === null || v === '') return 0;
  if (!/^\d{1,6}$/.test(v)) throw invalid(name, 'must be a non-negative integer');
  return Number(v);
}
