import { credentials, Metadata } from '@grpc/grpc-js';
import { faults } from '@govrnanza/contracts';

/** Replaces the fault rules of the service at `address` through its admin RPC; resolves with how many apply. */
export function setFaultRules(address: string, token: string, rules: object[]): Promise<number> {
  const client = new faults.FaultAdminServiceClient(address, credentials.createInsecure());
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    client.setFaultRules({ rulesJson: JSON.stringify(rules) }, md, { deadline: Date.now() + 5000 }, (err, res) => {
      client.close();
      err ? reject(err) : resolve(res!.active);
    }),
  );
}
