import { describe, expect, it } from 'vitest';
import { grpcMethodOf } from './grpcMethod';

describe('grpcMethodOf', () => {
  it('splits the path into service and method', () => {
    expect(grpcMethodOf('/govrnanza.account.v1.AccountService/GetOrganization', false, false)).toEqual({
      path: '/govrnanza.account.v1.AccountService/GetOrganization',
      service: 'govrnanza.account.v1.AccountService',
      name: 'GetOrganization',
      type: 'unary',
    });
  });

  it('names the four call types as go-grpc-prometheus does', () => {
    expect(grpcMethodOf('/t.S/ClientStream', true, false).type).toBe('client_stream');
    expect(grpcMethodOf('/t.S/ServerStream', false, true).type).toBe('server_stream');
    expect(grpcMethodOf('/t.S/Bidi', true, true).type).toBe('bidi_stream');
  });

  it('returns the same object for the same path', () => {
    expect(grpcMethodOf('/t.S/Same', false, false)).toBe(grpcMethodOf('/t.S/Same', false, false));
  });

  it('labels a malformed path with service unknown', () => {
    expect(grpcMethodOf('NoSlash', false, false)).toMatchObject({ service: 'unknown', name: 'NoSlash' });
  });
});
