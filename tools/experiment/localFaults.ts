import type { FaultRuleSpec } from '@govrnanza/faults';
import type { BackendName } from '@govrnanza/topology';
import { setFaultRules } from './faultAdminClient';
import type { FaultBackend } from './faultBackend';

/**
 * Faults injected in code: each back-end gets its own rules through its
 * fault admin RPC (needs FAULTS=on and the token).
 */
export function localFaults(address: (service: BackendName) => string, token: string): FaultBackend {
  let touched = new Set<BackendName>();
  return {
    kind: 'local',
    async inject(rules) {
      const byService = new Map<BackendName, FaultRuleSpec[]>();
      for (const r of rules) {
        if (r.service === 'gateway') throw new Error('the gateway serves HTTP, not gRPC: fault a back-end instead');
        byService.set(r.service, [...(byService.get(r.service) ?? []), r]);
      }
      for (const [service, own] of byService) {
        touched.add(service);
        const active = await setFaultRules(address(service), token, own);
        if (active !== own.length) throw new Error(`${service} applies ${active} of ${own.length} fault rules`);
      }
    },
    async clear() {
      const services = [...touched];
      touched = new Set();
      await Promise.all(services.map((s) => setFaultRules(address(s), token, [])));
    },
  };
}
