/**
 * `value` if it is a finite number in [min, max]; otherwise a RangeError naming
 * the option, so a bad CLI flag or experiment field fails fast and clearly.
 */
export function checkRange(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
