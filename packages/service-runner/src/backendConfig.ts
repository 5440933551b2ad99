import { readCommonConfig, readDownstreamAddress, type CommonConfig, type EnvReader } from '@govrnanza/runtime';
import { downstreamsOf, type BackendName, type ServiceName } from '@govrnanza/topology';
import { parsePolicyOverrides, type PolicyOverrides } from './policyConfig';

/** Settings every service has, plus where its downstreams are and how they are called. */
export interface ServiceConfig extends CommonConfig {
  /** `host:port` of each downstream this service calls (from the call graph). */
  addresses: Partial<Record<BackendName, string>>;
  policies: PolicyOverrides;
}

/** Reads the common settings, the addresses of the service's downstreams and DOWNSTREAM_POLICY. */
export function readServiceConfig(env: EnvReader, service: ServiceName): ServiceConfig {
  const addresses: Partial<Record<BackendName, string>> = {};
  for (const d of downstreamsOf(service)) addresses[d] = readDownstreamAddress(env, d);
  return {
    ...readCommonConfig(env, service),
    addresses,
    policies: env.json('DOWNSTREAM_POLICY', {}, parsePolicyOverrides),
  };
}
