import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { faults } from '@govrnanza/contracts';
import type { FaultRuleSpec } from '@govrnanza/faults';

/**
 * Replaces the fault rules of the service at `address` through its admin RPC
 * (served when it runs with FAULTS=on) and resolves with how many apply to it;
 * an empty list clears them. Errors say what to do (FAULTS=on, the token).
 */
export async function setFaultRules(address: string, token: string, rules: readonly FaultRuleSpec[]): Promise<number> {
  const client = new faults.FaultAdminServiceClient(address, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<number>((resolve, reject) =>
      client.setFaultRules({ rulesJson: JSON.stringify(rules) }, metadata, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(explain(address, err)) : resolve(res.active))),
    );
  } finally {
    client.close();
  }
}

function explain(address: string, err: ServiceError): Error {
  switch (err.code) {
    case status.UNIMPLEMENTED:
      return new Error(`${address} serves no fault admin: start the system with FAULTS=on and FAULTS_TOKEN set`);
    case status.UNAUTHENTICATED:
      return new Error(`${address} refused the fault token: pass the system's FAULTS_TOKEN (--token or the FAULTS_TOKEN variable)`);
    case status.UNAVAILABLE:
      return new Error(`${address} is not reachable for fault control: ${err.details}`);
    default:
      return new Error(`${address}: setting fault rules failed: ${err.details || err.message}`);
  }
}
