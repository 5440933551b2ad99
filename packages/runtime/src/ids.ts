import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A new random id with a type prefix, e.g. `org_k3j9x0a1m2q8`: 16 base-36 characters (~82 bits). */
export function newId(prefix: string): string {
  const bytes = randomBytes(16);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}
