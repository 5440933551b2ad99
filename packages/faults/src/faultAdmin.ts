import { timingSafeEqual } from 'node:crypto';
import { status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { faults } from '@govrnanza/contracts';
import type { FaultInjector } from './faultInjector';

/**
 * The FaultAdminService implementation: read and replace this service's
 * rules at run time. Every call needs `authorization: Bearer <token>`.
 */
export function faultAdminService(injector: FaultInjector, token: string, onChange: (rulesJson: string) => void): UntypedServiceImplementation {
  const authorized = (call: ServerUnaryCall<unknown, unknown>): boolean => {
    const header = String(call.metadata.get('authorization')[0] ?? '');
    const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const guard = <Req, Res>(fn: (req: Req) => Res) => (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => {
    if (!authorized(call as ServerUnaryCall<unknown, unknown>)) return cb({ code: status.UNAUTHENTICATED, details: 'fault admin needs authorization: Bearer <FAULTS_TOKEN>' });
    try {
      cb(null, fn(call.request));
    } catch (err) {
      cb({ code: status.INVALID_ARGUMENT, details: `rules_json: ${(err as Error).message}` });
    }
  };
  return {
    getFaultRules: guard<faults.GetFaultRulesRequest, faults.GetFaultRulesResponse>(() => ({ rulesJson: injector.rulesJson() })),
    setFaultRules: guard<faults.SetFaultRulesRequest, faults.SetFaultRulesResponse>((req) => {
      const active = injector.setRules(req.rulesJson);
      onChange(injector.rulesJson());
      return { active };
    }),
  };
}
