import { Errors } from './errors';

/** A trimmed, non-empty string of at most `max` characters; INVALID_ARGUMENT naming `field` otherwise. */
export function requireText(field: string, value: string, max = 200): string {
  const v = value.trim();
  if (v === '') throw Errors.invalidArgument(field, 'is required');
  if (v.length > max) throw Errors.invalidArgument(field, `must be at most ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw Errors.invalidArgument(field, 'must not contain control characters');
  return v;
}

/** An optional trimmed string (empty allowed) of at most `max` characters. */
export function optionalText(field: string, value: string, max = 200): string {
  const v = value.trim();
  if (v.length > max) throw Errors.invalidArgument(field, `must be at most ${max} characters`);
  return v;
}

const ID = /^[a-z]{2,5}_[0-9a-z]{8,40}$/;

/** A resource id as this system issues them (`org_…`, `prf_…`). */
export function requireId(field: string, value: string): string {
  if (value === '') throw Errors.invalidArgument(field, 'is required');
  if (!ID.test(value)) throw Errors.invalidArgument(field, `${JSON.stringify(value.slice(0, 60))} is not a valid id`);
  return value;
}

/** A value of a protobuf enum other than 0 (UNSPECIFIED). */
export function requireEnum<E extends number>(field: string, value: E, valid: Record<string, string | number>, names?: string): E {
  if (value === 0 || valid[value] === undefined) {
    const allowed = names ?? Object.keys(valid).filter((k) => Number.isNaN(Number(k)) && !k.endsWith('UNSPECIFIED') && k !== 'UNRECOGNIZED').join(', ');
    throw Errors.invalidArgument(field, `must be one of ${allowed}`);
  }
  return value;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

/** A syntactically plausible e-mail address. */
export function requireEmail(field: string, value: string): string {
  const v = requireText(field, value, 320);
  if (!EMAIL.test(v)) throw Errors.invalidArgument(field, 'is not an e-mail address');
  return v.toLowerCase();
}
