import { account, billing, type common } from '@govrnanza/contracts';
import { Errors, newId, requireId, type HandlersOf } from '@govrnanza/runtime';
import { decodePageToken, encodePageToken, idempotent, pageSize } from '@govrnanza/storage';
import type { AccountClient } from './clients/accountClient';
import type { ProfileClient } from './clients/profileClient';
import type { RegistryClient } from './clients/registryClient';
import type { BillingStore, PaymentRecord } from './billingStore';
import { billingCycle, cycleCharge } from './pricing';

/** Largest single payment accepted, in cents (10 million). */
const MAX_PAYMENT_CENTS = 1_000_000_000;

export interface BillingHandlerOptions {
  store: BillingStore;
  account: AccountClient;
  registry: RegistryClient;
  profile: ProfileClient;
  idempotencyTtlMs: number;
  now?: () => Date;
}

/** The BillingService handlers. The usage view fans out to account, registry and profile in parallel. */
export function billingHandlers(o: BillingHandlerOptions): HandlersOf<typeof billing.BillingServiceService> {
  const now = o.now ?? (() => new Date());
  return {
    async getUsage(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const [org, resources, users] = await Promise.all([o.account.organization(orgId, ctx), o.registry.counts(orgId, ctx), o.profile.users(orgId, ctx)]);
      const cycle = billingCycle(now());
      const charge = cycleCharge(org.plan, { apis: resources.value?.apis, users: users.value });
      const paid = await o.store.paidSince(orgId, cycle.start.getTime());
      const degraded = [resources.degraded, users.degraded].filter((d): d is common.Degradation => d !== undefined);
      return {
        usage: {
          orgId,
          plan: account.planToJSON(org.plan),
          status: account.organizationStatusToJSON(org.status),
          users: users.value ?? 0,
          domains: resources.value?.domains ?? 0,
          subdomains: resources.value?.subdomains ?? 0,
          apis: resources.value?.apis ?? 0,
          cycle: { startTime: cycle.start, endTime: cycle.end },
          amountDueCents: Math.max(0, charge - paid),
        },
        degraded,
      };
    },

    async recordPayment(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      if (!Number.isInteger(req.amountCents) || req.amountCents <= 0) throw Errors.invalidArgument('amount_cents', 'must be a positive number of cents');
      if (req.amountCents > MAX_PAYMENT_CENTS) throw Errors.invalidArgument('amount_cents', `must be at most ${MAX_PAYMENT_CENTS}`);
      return idempotent(
        { store: o.store.idempotency, scope: `RecordPayment:${orgId}`, key: req.idempotencyKey, request: req, codec: billing.RecordPaymentResponse, ttlMs: o.idempotencyTtlMs },
        async () => {
          // Account first: an unknown organisation records nothing, and a failed
          // payment is only stored once the organisation is frozen.
          const org = req.succeeded ? await o.account.unfreeze(orgId, ctx) : await o.account.freeze(orgId, ctx);
          const p: PaymentRecord = { id: newId('pay'), owner: orgId, createdAt: now().getTime(), amountCents: req.amountCents, succeeded: req.succeeded };
          await o.store.addPayment(p);
          return { payment: toPayment(p), orgStatus: account.organizationStatusToJSON(org.status) };
        },
      );
    },

    async listPayments(req) {
      const orgId = requireId('org_id', req.orgId);
      const scope = `payments:${orgId}`;
      const page = await o.store.listPayments(orgId, pageSize(req.pageSize), decodePageToken(scope, req.pageToken));
      return { payments: page.items.map(toPayment), nextPageToken: encodePageToken(scope, page.next) };
    },
  };
}

function toPayment(p: PaymentRecord): billing.Payment {
  return { id: p.id, orgId: p.owner, amountCents: p.amountCents, succeeded: p.succeeded, createTime: new Date(p.createdAt) };
}
