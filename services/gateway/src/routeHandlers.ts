import { account, registry } from '@govrnanza/contracts';
import type { CallContext } from '@govrnanza/runtime';
import type { AccountClient } from './clients/accountClient';
import type { BillingClient } from './clients/billingClient';
import type { ProfileClient } from './clients/profileClient';
import type { RegistryClient } from './clients/registryClient';
import { Fields, queryInt } from './http/fields';
import { HttpError } from './http/httpError';

/** Most parallel calls one fan-out lab request may make. */
export const MAX_FANOUT = 16;

/** What a route handler gets from the HTTP layer. */
export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, for POST routes. */
  body: Fields;
  /** The `Idempotency-Key` header, or ''. */
  idempotencyKey: string;
  ctx: CallContext;
}

/** A handler's answer: HTTP status and JSON body. */
export interface RouteOutput {
  status: number;
  body: unknown;
}

export type RouteHandler = (input: RouteInput) => Promise<RouteOutput>;

export interface Clients {
  account: AccountClient;
  profile: ProfileClient;
  registry: RegistryClient;
  billing: BillingClient;
}

const PLANS: Record<string, account.Plan> = {
  free: account.Plan.PLAN_FREE,
  team: account.Plan.PLAN_TEAM,
  enterprise: account.Plan.PLAN_ENTERPRISE,
  pay_as_you_go: account.Plan.PLAN_PAY_AS_YOU_GO,
};

const LIFECYCLES: Record<string, registry.Lifecycle> = {
  design: registry.Lifecycle.LIFECYCLE_DESIGN,
  development: registry.Lifecycle.LIFECYCLE_DEVELOPMENT,
  production: registry.Lifecycle.LIFECYCLE_PRODUCTION,
  deprecated: registry.Lifecycle.LIFECYCLE_DEPRECATED,
  retired: registry.Lifecycle.LIFECYCLE_RETIRED,
};

const ok = (body: unknown): RouteOutput => ({ status: 200, body });
const created = (body: unknown): RouteOutput => ({ status: 201, body });

/** One handler per route id of the topology: HTTP/JSON in, one gRPC call, JSON out. */
export function routeHandlers(c: Clients): Record<string, RouteHandler> {
  return {
    createOrg: async ({ body, idempotencyKey, ctx }) => created(await c.account.create(body.required('name'), body.oneOf('plan', PLANS), idempotencyKey, ctx)),
    getOrg: async ({ params, ctx }) => ok(await c.account.get(params.org!, ctx)),
    createProfile: async ({ params, body, idempotencyKey, ctx }) =>
      created(await c.profile.create({ orgId: params.org!, name: body.string('name'), jobTitle: body.string('jobTitle'), email: body.string('email'), idempotencyKey }, ctx)),
    listProfiles: async ({ params, query, ctx }) => ok(await c.profile.list(params.org!, queryInt(query, 'pageSize'), query.get('pageToken') ?? '', ctx)),
    getProfile: async ({ params, ctx }) => ok(await c.profile.get(params.org!, params.id!, ctx)),
    createDomain: async ({ params, body, idempotencyKey, ctx }) => created(await c.registry.createDomain(params.org!, body.string('name'), idempotencyKey, ctx)),
    listDomains: async ({ params, query, ctx }) => ok(await c.registry.listDomains(params.org!, queryInt(query, 'pageSize'), query.get('pageToken') ?? '', ctx)),
    createSubdomain: async ({ params, body, idempotencyKey, ctx }) =>
      created(await c.registry.createSubdomain(params.org!, params.domain!, body.string('name'), idempotencyKey, ctx)),
    createApi: async ({ params, body, idempotencyKey, ctx }) =>
      created(
        await c.registry.createApi(
          {
            orgId: params.org!,
            subdomainId: body.string('subdomainId'),
            name: body.string('name'),
            version: body.string('version'),
            lifecycle: body.string('lifecycle') === '' ? registry.Lifecycle.LIFECYCLE_UNSPECIFIED : body.oneOf('lifecycle', LIFECYCLES),
            technicalOwnerId: body.string('technicalOwnerId'),
            businessOwnerId: body.string('businessOwnerId'),
            idempotencyKey,
          },
          ctx,
        ),
      ),
    listApis: async ({ params, query, ctx }) => ok(await c.registry.listApis(params.org!, queryInt(query, 'pageSize'), query.get('pageToken') ?? '', ctx)),
    getApi: async ({ params, ctx }) => ok(await c.registry.getApi(params.org!, params.api!, ctx)),
    getUsage: async ({ params, ctx }) => ok(await c.billing.usage(params.org!, ctx)),
    labFanout: async ({ query, ctx }) => {
      const n = queryInt(query, 'n') || 1;
      if (n > MAX_FANOUT) throw new HttpError(400, 'INVALID_ARGUMENT', `n: at most ${MAX_FANOUT}`, { field: 'n' });
      const started = performance.now();
      await Promise.all(Array.from({ length: n }, () => c.account.plans(ctx)));
      return ok({ n, ms: Math.round((performance.now() - started) * 10) / 10 });
    },
    recordPayment: async ({ params, body, idempotencyKey, ctx }) =>
      created(await c.billing.recordPayment(params.org!, body.integer('amountCents'), body.boolean('succeeded'), idempotencyKey, ctx)),
  };
}
