import { credentials, Metadata } from '@grpc/grpc-js';
import { faults } from '@govrnanza/contracts';
import type { FaultRuleSpec } from '@govrnanza/faults';

/**
 * Replaces the fault rules of the running service at `address` through its
 * admin RPC (govrnanza.faults.v1.FaultAdminService/SetFaultRules, served when
 * FAULTS=on) and resolves with how many rules now apply to it. An empty list
 * clears them. The channel is closed before this resolves.
 */
export async function setFaultRules(address: string, token: string, rules: readonly FaultRuleSpec[]): Promise<number> {
  const client = new faults.FaultAdminServiceClient(address, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<number>((resolve, reject) =>
      client.setFaultRules({ rulesJson: JSON.stringify(rules) }, metadata, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res.active))),
    );
  } finally {
    client.close();
  }
}
