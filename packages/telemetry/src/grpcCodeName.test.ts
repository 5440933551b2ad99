import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { GRPC_CODE_NAMES, grpcCodeName } from './grpcCodeName';

describe('grpcCodeName', () => {
  it('spells codes as Go codes.Code.String() does', () => {
    expect(grpcCodeName(status.OK)).toBe('OK');
    expect(grpcCodeName(status.CANCELLED)).toBe('Canceled');
    expect(grpcCodeName(status.DEADLINE_EXCEEDED)).toBe('DeadlineExceeded');
    expect(grpcCodeName(status.NOT_FOUND)).toBe('NotFound');
    expect(grpcCodeName(status.FAILED_PRECONDITION)).toBe('FailedPrecondition');
    expect(grpcCodeName(status.RESOURCE_EXHAUSTED)).toBe('ResourceExhausted');
    expect(grpcCodeName(status.UNAVAILABLE)).toBe('Unavailable');
    expect(grpcCodeName(status.UNAUTHENTICATED)).toBe('Unauthenticated');
  });

  it('names every status grpc-js defines, as its name in CamelCase', () => {
    const defined = Object.entries(status).filter(([, v]) => typeof v === 'number') as [string, number][];
    expect(GRPC_CODE_NAMES).toHaveLength(defined.length);
    for (const [name, code] of defined) {
      const camel = name.toLowerCase().replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
      // Go's two spellings that are not plain CamelCase.
      const go = ({ Ok: 'OK', Cancelled: 'Canceled' } as Record<string, string>)[camel] ?? camel;
      expect(grpcCodeName(code)).toBe(go);
    }
  });

  it('prints undefined codes like Go', () => {
    expect(grpcCodeName(42)).toBe('Code(42)');
  });
});
