import { account, registry } from '@govrnanza/contracts';

/**
 * The data set every benchmarked path reads: one organisation on the team
 * plan with three profiles, one domain, one sub-domain, one API owned by two
 * of the profiles, and one payment in the current cycle. The stack gets it
 * through its create RPCs (ids chosen by the services); the bare processes get
 * it, with ids of the same form, through `BENCH_DATA`.
 */
export interface BenchData {
  org: { id: string; name: string; plan: account.Plan; createdAt: number };
  profiles: { id: string; name: string; jobTitle: string; email: string; createdAt: number }[];
  domain: { id: string; name: string; createdAt: number };
  subdomain: { id: string; name: string; createdAt: number };
  api: {
    id: string;
    name: string;
    version: string;
    lifecycle: registry.Lifecycle;
    technicalOwnerId: string;
    businessOwnerId: string;
    createdAt: number;
  };
  payments: { id: string; amountCents: number; succeeded: boolean; createdAt: number }[];
}

/** Names and values of the data set, shared by the stack's seeding and the bare fixture. */
export const BENCH_PEOPLE = [
  { name: 'Ada Lovelace', jobTitle: 'Chief Architect', email: 'ada@bench.example' },
  { name: 'Grace Hopper', jobTitle: 'Product Owner', email: 'grace@bench.example' },
  { name: 'Alan Turing', jobTitle: 'Engineer', email: 'alan@bench.example' },
] as const;

export const BENCH_ORG = { name: 'Bench', plan: account.Plan.PLAN_TEAM } as const;
export const BENCH_API = { name: 'card-auth', version: '1.0.0' } as const;
export const BENCH_PAYMENT_CENTS = 4_900;

/** The data set with fixed ids, as the bare processes hold it. */
export function bareBenchData(now = Date.now()): BenchData {
  const id = (prefix: string, n: number): string => `${prefix}_bench${String(n).padStart(11, '0')}`;
  return {
    org: { id: id('org', 1), ...BENCH_ORG, createdAt: now },
    profiles: BENCH_PEOPLE.map((p, i) => ({ id: id('prf', i + 1), ...p, createdAt: now })),
    domain: { id: id('dom', 1), name: 'Payments', createdAt: now },
    subdomain: { id: id('sub', 1), name: 'Cards', createdAt: now },
    api: {
      id: id('api', 1),
      ...BENCH_API,
      lifecycle: registry.Lifecycle.LIFECYCLE_DESIGN,
      technicalOwnerId: id('prf', 1),
      businessOwnerId: id('prf', 2),
      createdAt: now,
    },
    payments: [{ id: id('pay', 1), amountCents: BENCH_PAYMENT_CENTS, succeeded: true, createdAt: now }],
  };
}

/** The data set a bare process was given in `BENCH_DATA` (JSON). */
export function benchDataFromEnv(env: NodeJS.ProcessEnv = process.env): BenchData {
  const raw = env.BENCH_DATA;
  if (!raw) throw new Error('BENCH_DATA is not set');
  return JSON.parse(raw) as BenchData;
}
