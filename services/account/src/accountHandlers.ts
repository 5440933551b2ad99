import { account } from '@govrnanza/contracts';
import { Errors, newId, requireEnum, requireId, requireText, optionalText, type HandlersOf } from '@govrnanza/runtime';
import { DuplicateKeyError, idempotent } from '@govrnanza/storage';
import { AccountStore, type OrgRecord } from './accountStore';
import { limitsOf, PLANS } from './plans';

const { Plan, OrganizationStatus } = account;

/** Options of the account handlers. */
export interface AccountHandlerOptions {
  store: AccountStore;
  /** How long idempotency keys are kept, in ms. */
  idempotencyTtlMs: number;
}

/** The AccountService handlers: domain rules only. */
export function accountHandlers({ store, idempotencyTtlMs }: AccountHandlerOptions): HandlersOf<typeof account.AccountServiceService> {
  const load = async (orgId: string): Promise<OrgRecord> => {
    const org = await store.get(requireId('org_id', orgId));
    if (!org) throw Errors.notFound('organization', orgId);
    return org;
  };
  const setStatus = async (orgId: string, status: account.OrganizationStatus, reason: string): Promise<account.Organization> => {
    const org = await load(orgId);
    org.status = status;
    org.frozenReason = reason;
    await store.save(org);
    return toOrganization(org);
  };

  return {
    async createOrganization(req) {
      const name = requireText('name', req.name, 100);
      const plan = requireEnum('plan', req.plan, Plan);
      if (!PLANS[plan]) throw Errors.invalidArgument('plan', 'is not an offered plan');
      const run = async (): Promise<account.CreateOrganizationResponse> => {
        const org = AccountStore.newOrg(newId('org'), name, plan, OrganizationStatus.ORGANIZATION_STATUS_ACTIVE);
        try {
          await store.create(org);
        } catch (err) {
          if (err instanceof DuplicateKeyError) throw Errors.alreadyExists('organization', `named ${JSON.stringify(name)}`);
          throw err;
        }
        return { organization: toOrganization(org) };
      };
      return idempotent(
        { store: store.idempotency, scope: 'CreateOrganization', key: req.idempotencyKey, request: req, codec: account.CreateOrganizationResponse, ttlMs: idempotencyTtlMs },
        run,
      );
    },

    async getOrganization(req) {
      return { organization: toOrganization(await load(req.orgId)) };
    },

    async changePlan(req) {
      const plan = requireEnum('plan', req.plan, Plan);
      const org = await load(req.orgId);
      org.plan = plan;
      await store.save(org);
      return { organization: toOrganization(org) };
    },

    async freezeOrganization(req) {
      return { organization: await setStatus(req.orgId, OrganizationStatus.ORGANIZATION_STATUS_FROZEN, optionalText('reason', req.reason) || 'frozen') };
    },

    async unfreezeOrganization(req) {
      return { organization: await setStatus(req.orgId, OrganizationStatus.ORGANIZATION_STATUS_ACTIVE, '') };
    },

    async listPlans() {
      return { plans: Object.values(PLANS).map((p) => ({ ...p })) };
    },
  };
}

function toOrganization(org: OrgRecord): account.Organization {
  return { id: org.id, name: org.name, plan: org.plan, status: org.status, limits: limitsOf(org.plan), createTime: new Date(org.createdAt) };
}
