import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { FaultInjector } from './faultInjector';
import { methodMatcher, parseFaultRules } from './faultRule';

describe('fault rules', () => {
  it('match methods by name, full name, glob or *', () => {
    const path = '/govrnanza.registry.v1.RegistryService/GetApi';
    expect(methodMatcher('*')(path)).toBe(true);
    expect(methodMatcher('GetApi')(path)).toBe(true);
    expect(methodMatcher('Get*')(path)).toBe(true);
    expect(methodMatcher('govrnanza.registry.v1.RegistryService/GetApi')(path)).toBe(true);
    expect(methodMatcher('govrnanza.registry.v1.RegistryService/*')(path)).toBe(true);
    expect(methodMatcher('ListApis')(path)).toBe(false);
    expect(methodMatcher('govrnanza.profile.v1.ProfileService/*')(path)).toBe(false);
  });

  it('reject bad rules naming the rule and the field', () => {
    expect(() => parseFaultRules({})).toThrow(/JSON array/);
    expect(() => parseFaultRules([{ service: 'nope', delayMs: 1 }])).toThrow(/rule 0: service must be one of/);
    expect(() => parseFaultRules([{ service: 'profile' }])).toThrow(/rule 0: a rule needs/);
    expect(() => parseFaultRules([{ service: 'profile', abort: 'NOPE' }])).toThrow(/abort must be a gRPC code/);
    expect(() => parseFaultRules([{ service: 'profile', delayMs: 1, percent: 120 }])).toThrow(/percent/);
    expect(() => parseFaultRules([{ service: 'profile', delayMs: 1, colour: 'red' }])).toThrow(/unknown field "colour"/);
    expect(() => parseFaultRules([{ service: 'profile', latency: { p50: 10, p90: 5, p99: 20, p999: 30 } }])).toThrow(/p90/);
  });

  it('apply only this service\'s rules, each with its own percentage', () => {
    let r = 0;
    const randoms = [0.1, 0.9];
    const injector = new FaultInjector('profile', () => randoms[r++ % randoms.length]!);
    expect(injector.setRules(JSON.stringify([{ service: 'profile', abort: 'UNAVAILABLE', percent: 50 }, { service: 'account', delayMs: 5 }]))).toBe(1);
    expect(injector.decide('/govrnanza.profile.v1.ProfileService/GetProfile')).toEqual({ delayMs: 0, abortCode: status.UNAVAILABLE, drop: false });
    expect(injector.decide('/govrnanza.profile.v1.ProfileService/GetProfile')).toBeUndefined();
    expect(() => injector.setRules('[{"service":"profile"}]')).toThrow();
    expect(JSON.parse(injector.rulesJson())).toHaveLength(1); // a bad update changes nothing
  });
});
