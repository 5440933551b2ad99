/** Bare account: GetOrganization from an in-memory map, on a plain grpc-js server. */
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import { limitsOf } from '../../services/account/src/plans';
import { serveBare } from './bareServer';
import { benchDataFromEnv } from './benchData';
import { RecordMap } from './recordMap';

const data = benchDataFromEnv();
const orgs = new RecordMap([{ ...data.org, status: account.OrganizationStatus.ORGANIZATION_STATUS_ACTIVE }]);

serveBare(account.AccountServiceService, {
  getOrganization(call: ServerUnaryCall<account.GetOrganizationRequest, account.GetOrganizationResponse>, callback: sendUnaryData<account.GetOrganizationResponse>) {
    const org = orgs.get(call.request.orgId);
    if (!org) return callback({ code: status.NOT_FOUND, details: 'organization not found' });
    callback(null, {
      organization: { id: org.id, name: org.name, plan: org.plan, status: org.status, limits: limitsOf(org.plan), createTime: new Date(org.createdAt) },
    });
  },
});
