import { describe, expect, it } from 'vitest';
import { Fields, queryInt } from './fields';
import { HttpError } from './httpError';

const PLANS = { free: 1, pay_as_you_go: 4 };

function errorOf(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected an HttpError');
}

describe('Fields', () => {
  it('reads a choice case-insensitively, with - and _ alike', () => {
    expect(new Fields({ plan: 'Pay-As-You-Go' }).oneOf('plan', PLANS)).toBe(4);
    expect(new Fields({ plan: 'pay_as_you_go' }).oneOf('plan', PLANS)).toBe(4);
  });

  it('refuses an unknown choice with a 400 listing the values as documented', () => {
    const err = errorOf(() => new Fields({ plan: 'gold' }).oneOf('plan', PLANS));
    expect(err.httpStatus).toBe(400);
    expect(err.message).toBe('plan: must be one of free, pay-as-you-go');
    expect(err.details).toEqual({ field: 'plan' });
  });

  it('names the field of a wrong type or a missing value', () => {
    expect(errorOf(() => new Fields({ name: 3 }).string('name')).message).toBe('name: must be a string');
    expect(errorOf(() => new Fields({ name: '  ' }).required('name')).message).toBe('name: is required');
    expect(errorOf(() => new Fields({ amountCents: 1.5 }).integer('amountCents')).message).toBe('amountCents: must be an integer');
    expect(errorOf(() => new Fields({}).boolean('succeeded')).message).toBe('succeeded: must be true or false');
  });
});

describe('queryInt', () => {
  it('reads absent as 0 and refuses what is not a small non-negative integer', () => {
    expect(queryInt(new URLSearchParams(''), 'pageSize')).toBe(0);
    expect(queryInt(new URLSearchParams('pageSize=25'), 'pageSize')).toBe(25);
    for (const bad of ['-1', 'abc', '1.5', '99999999']) {
      expect(errorOf(() => queryInt(new URLSearchParams(`pageSize=${bad}`), 'pageSize')).httpStatus).toBe(400);
    }
  });
});
