import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';
import { loadExperiment, parseExperiment, shippedNames } from './experimentFile';

const DIR = path.resolve(__dirname, '..', '..', 'experiments');

const VALID = `
name: demo
title: A demo
description: What this shows.
hypothesis:
  - route: getApi
    availability: 99.9
    p99: 300
  - service: profile
    maxAttemptsPerRequest: 1.3
faults:
  - service: profile
    method: BatchGetProfiles
    delayMs: 400
load:
  routes:
    - route: getApi
      rate: 20
  duration: 10s
variants:
  - name: code
    env: { RESILIENCE: code }
  - name: none
    env:
      RESILIENCE: none
      DOWNSTREAM_POLICY: { "*": { breakerMinRps: 1000000 } }
    expect: breaks
`;

/** The valid document with one line replaced (or appended when `from` is not found). */
const edit = (from: string, to: string): string => (VALID.includes(from) ? VALID.replace(from, to) : `${VALID}${to}\n`);
const errorOf = (text: string, source = 'experiments/demo.yaml'): string => {
  try {
    parseExperiment(text, source);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('parsed without error');
};

describe('parseExperiment', () => {
  it('reads a valid file with defaults, percentages as ratios and YAML mappings as JSON', () => {
    const e = parseExperiment(VALID, 'experiments/demo.yaml');
    expect(e.hypothesis[0]).toEqual({ kind: 'route', route: 'getApi', availability: 0.999, latencyMs: { p99: 300 } });
    expect(e.hypothesis[1]).toEqual({ kind: 'service', service: 'profile', maxAttemptsPerRequest: 1.3 });
    expect(e.load).toEqual({ routes: [{ route: 'getApi', rate: 20, tailThresholdsMs: [] }], arrival: 'poisson', warmupMs: 2000, durationMs: 10_000, timeoutMs: 5000 });
    expect(e.check).toEqual({ durationMs: 5000, recoveryMs: 3000 });
    expect(e.variants.map((v) => [v.name, v.expect])).toEqual([['code', 'holds'], ['none', 'breaks']]);
    expect(JSON.parse(e.variants[1]!.env.DOWNSTREAM_POLICY!)).toEqual({ '*': { breakerMinRps: 1_000_000 } });
  });

  it.each([
    ['an unknown field, with the known ones', edit('title: A demo', 'title: A demo\ntitel: typo'), /experiments\/demo\.yaml: titel: unknown field \(known: name, title/],
    ['a rate out of range', edit('rate: 20', 'rate: -1'), /load\.routes\[0\]\.rate: expected a number in \[0\.1, 2000\], got number -1/],
    ['an unknown route', edit('    - route: getApi\n      rate', '    - route: getApis\n      rate'), /load\.routes\[0\]\.route: unknown route "getApis" \(routes: createOrg/],
    ['a POST route', edit('    - route: getApi\n      rate', '    - route: createApi\n      rate'), /"createApi" is a POST route/],
    ['a probe on a route not under load', edit('  - route: getApi\n    availability', '  - route: getOrg\n    availability'), /hypothesis\[0\]\.route: "getOrg" is not under load/],
    ['a bad fault rule, by index and field', edit('delayMs: 400', 'delayMs: 400\n    percent: 150'), /faults: rule 0: percent must be a number in \[0, 100\]/],
    ['a bad duration', edit('duration: 10s', 'duration: ten seconds'), /load\.duration: expected a duration such as 500ms, 20s or 2m/],
    ['a variable the runner owns', edit('RESILIENCE: code', 'FAULTS: "on"'), /variants\[0\]\.env\.FAULTS: set by the runner/],
    ['two variants with one name', edit('  - name: none', '  - name: code'), /variants: two variants are named "code"/],
    ['a name that is not the file name', VALID, /name: "demo" must match the file name \(other\)/, 'experiments/other.yaml'],
    ['fanout without the lab route', edit('    expect: breaks', '    expect: breaks\n    fanout: 3'), /variants\[1\]\.fanout: fanout is the n of the lab route/],
    ['a probe with nothing to check', edit('    availability: 99.9\n    p99: 300', ''), /hypothesis\[0\]\.route: a route probe needs availability/],
    ['no variants', VALID.slice(0, VALID.indexOf('variants:')), /variants: required: a list of at least one item/],
    ['YAML that does not parse', 'name: [oops', /experiments\/demo\.yaml: not valid YAML/],
  ])('refuses %s, naming the file and the field', (_, text, message, source = 'experiments/demo.yaml') => {
    expect(errorOf(text, source)).toMatch(message);
  });

  it('wants LAB=on for the lab route', () => {
    const lab = VALID.replace(/  - route: getApi\n    availability: 99.9\n    p99: 300\n/, '').replace('    - route: getApi\n      rate', '    - route: labFanout\n      rate');
    expect(errorOf(lab)).toMatch(/variants\[0\]: the lab route is served only with LAB=on: add LAB: "on" to env/);
    expect(() => parseExperiment(lab.replace('title: A demo', 'title: A demo\nenv: { LAB: "on" }'), 'experiments/demo.yaml')).not.toThrow();
  });
});

describe('the shipped experiments', () => {
  it.each(shippedNames(DIR))('%s is valid, describes itself and compares at least two variants', (name) => {
    const e = loadExperiment(name, DIR);
    expect(e.name).toBe(name);
    expect(e.description.length).toBeGreaterThan(200);
    expect(e.variants.length).toBeGreaterThanOrEqual(2);
    expect(e.variants.some((v) => v.expect === 'holds')).toBe(true);
  });

  it('are the ones the cluster ships fault files for', () => {
    expect(shippedNames(DIR)).toEqual(['account-down', 'dependency-down-account', 'dependency-down-registry', 'fanout-tail', 'profile-flaky', 'profile-slow', 'resilience-none-vs-code']);
  });

  it('an unknown name lists the shipped ones', () => {
    expect(() => loadExperiment('nope', DIR)).toThrow(/no experiment "nope" .*shipped: account-down, /);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m and bare numbers of ms', () => {
    expect([parseDuration('500ms'), parseDuration('1.5s'), parseDuration('2m'), parseDuration(250)]).toEqual([500, 1500, 120_000, 250]);
    expect(() => parseDuration('5 hours')).toThrow(/expected a duration/);
    expect(() => parseDuration(-1)).toThrow(/expected a duration/);
  });
});
