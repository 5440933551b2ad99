import { describe, expect, it } from 'vitest';
import { parseExperimentArgs } from './cliArgs';

describe('parseExperimentArgs', () => {
  it('runs a named experiment, starting the system, by default', () => {
    expect(parseExperimentArgs(['profile-slow'])).toEqual({ kind: 'run', experiment: 'profile-slow', variants: [], backend: 'local', mode: 'code', overrides: {}, verbose: false });
  });

  it('takes variants, a results folder and shorter windows', () => {
    const c = parseExperimentArgs(['fanout-tail', '--variant', 'n1', '--variant', 'n3', '--out', '/tmp/x', '--duration', '10s', '--warmup', '1s', '--check', '2s']);
    expect(c).toMatchObject({ variants: ['n1', 'n3'], out: '/tmp/x', overrides: { durationMs: 10_000, warmupMs: 1000, checkMs: 2000 } });
  });

  it('describes a running system: gateway, addresses, metrics ports or URLs, and the token', () => {
    const c = parseExperimentArgs(['account-down', '--gateway', 'http://127.0.0.1:8080', '--addr', 'account=127.0.0.1:6000', '--metrics', 'gateway=9999'], { FAULTS_TOKEN: 's3cret' });
    expect(c).toMatchObject({ running: { gatewayUrl: 'http://127.0.0.1:8080', addresses: { account: '127.0.0.1:6000' }, metrics: { gateway: '9999' }, token: 's3cret' } });
    expect(parseExperimentArgs(['x', '--gateway', 'http://127.0.0.1:8080', '--token', 't', '--metrics', 'none'])).toMatchObject({ running: { metrics: 'none' } });
  });

  it('with istio, defaults the gateway to the port-forward and takes the cluster\'s mode', () => {
    expect(parseExperimentArgs(['profile-slow', '--backend', 'istio', '--mode', 'both'])).toMatchObject({ backend: 'istio', mode: 'both', running: { gatewayUrl: 'http://127.0.0.1:8080' } });
  });

  it.each([
    [[], /name an experiment/],
    [['a', 'b'], /one experiment at a time/],
    [['a', '--backend', 'k8s'], /--backend: expected one of local, istio, got "k8s"/],
    [['a', '--mode', 'both'], /--mode is the cluster's resilience mode: only with --backend istio/],
    [['a', '--addr', 'account=127.0.0.1:1'], /--addr describes a running system: give --gateway too/],
    [['a', '--gateway', 'http://127.0.0.1:8080'], /a running system needs its fault token/],
    [['a', '--gateway', 'http://127.0.0.1:8080', '--token', 't', '--addr', 'gateway=x:1'], /--addr: expected SERVICE=VALUE with SERVICE one of account, profile, registry, billing/],
    [['a', '--duration', '500ms'], /--duration: at least 1s/],
    [['a', '--nope'], /Unknown option '--nope'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseExperimentArgs(argv)).toThrow(message);
  });
});
