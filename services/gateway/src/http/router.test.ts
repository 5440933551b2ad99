import { ROUTES } from '@govrnanza/topology';
import { describe, expect, it } from 'vitest';
import { Router } from './router';

describe('Router', () => {
  const router = new Router(ROUTES);

  it('matches templates and decodes parameters', () => {
    const r = router.route('GET', '/v1/orgs/org_1/apis/api%202');
    expect(r).toMatchObject({ kind: 'match', match: { route: { id: 'getApi' }, params: { org: 'org_1', api: 'api 2' } } });
    expect(router.route('POST', '/v1/orgs/')).toMatchObject({ kind: 'match', match: { route: { id: 'createOrg' } } });
  });

  it('tells a wrong method (405) from an unknown path (404)', () => {
    expect(router.route('DELETE', '/v1/orgs/org_1')).toEqual({ kind: 'method', allow: ['GET'] });
    expect(router.route('GET', '/v1/orgs/org_1/unknown')).toEqual({ kind: 'none' });
    expect(router.route('GET', '/v1/orgs/a/b/c/apis')).toEqual({ kind: 'none' });
  });
});
