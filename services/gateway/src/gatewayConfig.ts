import type { EnvReader } from '@govrnanza/runtime';
import { ROUTES } from '@govrnanza/topology';

/** The gateway's own settings. */
export interface GatewayConfig {
  /** Default time budget of a request, in ms (REQUEST_BUDGET_MS, default 1000). */
  requestBudgetMs: number;
  /** Per-route budgets by route id, in ms (ROUTE_BUDGETS). */
  routeBudgets: Record<string, number>;
  /** Largest request body accepted, in bytes (MAX_BODY_BYTES, default 64 KiB). */
  maxBodyBytes: number;
  /** Serve the lab routes (LAB=on; default off). */
  lab: boolean;
}

const ROUTE_IDS = new Set(ROUTES.map((r) => r.id));

function parseRouteBudgets(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object of route id → ms');
  for (const [id, ms] of Object.entries(value)) {
    if (!ROUTE_IDS.has(id)) throw new Error(`unknown route id "${id}" (known: ${[...ROUTE_IDS].join(', ')})`);
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0 || ms > 120_000) throw new Error(`${id}: expected an integer in (0, 120000]`);
  }
  return value as Record<string, number>;
}

export function readGatewayConfig(env: EnvReader): GatewayConfig {
  return {
    requestBudgetMs: env.int('REQUEST_BUDGET_MS', 1000, { min: 1, max: 120_000 }),
    routeBudgets: env.json('ROUTE_BUDGETS', {}, parseRouteBudgets),
    maxBodyBytes: env.int('MAX_BODY_BYTES', 65_536, { min: 1, max: 10 * 1024 * 1024 }),
    lab: env.bool('LAB', false),
  };
}
