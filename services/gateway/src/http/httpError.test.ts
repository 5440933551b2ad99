import { status } from '@grpc/grpc-js';
import { Errors, ServiceError } from '@govrnanza/runtime';
import { describe, expect, it } from 'vitest';
import { toHttpError } from './httpError';

describe('toHttpError', () => {
  it('maps gRPC statuses to HTTP as documented', () => {
    const cases: [ServiceError, number][] = [
      [Errors.invalidArgument('name', 'is required'), 400],
      [Errors.notFound('API', 'x'), 404],
      [Errors.alreadyExists('domain', 'named "x"'), 409],
      [Errors.paymentRequired('org_1'), 402],
      [Errors.planLimit('domains', 2, 'free'), 429],
      [Errors.unavailable('down'), 503],
      [Errors.deadlineExceeded('slow'), 504],
      [new ServiceError(status.INTERNAL, 'x'), 500],
    ];
    for (const [err, http] of cases) expect(toHttpError(err).httpStatus, err.message).toBe(http);
  });

  it('names fields in camelCase and keeps the owner service message for client errors', () => {
    const downstream = new ServiceError(status.INVALID_ARGUMENT, 'registry.CreateApi: technical_owner_id: no profile', {
      field: 'technical_owner_id',
      downstream: 'registry',
      detail: 'technical_owner_id: no profile',
    });
    const e = toHttpError(downstream);
    expect(e).toMatchObject({ httpStatus: 400, code: 'INVALID_ARGUMENT', message: 'technicalOwnerId: no profile', details: { field: 'technicalOwnerId' } });
    expect(e.details.downstream).toBeUndefined();
  });

  it('names the failing hop on server errors and hides unknown errors', () => {
    const e = toHttpError(new ServiceError(status.UNAVAILABLE, 'registry.GetApi: connection refused', { downstream: 'registry', detail: 'connection refused' }));
    expect(e).toMatchObject({ httpStatus: 503, message: 'registry.GetApi: connection refused', details: { downstream: 'registry' } });
    const hidden = toHttpError(new Error('secret stack detail'));
    expect(hidden).toMatchObject({ httpStatus: 500, code: 'INTERNAL', message: 'internal error' });
  });
});
