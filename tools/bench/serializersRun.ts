import { account, profile, registry, withPooledSerializers } from '@govrnanza/contracts';
import { bareBenchData } from '../../bench/bare/benchData';
import type { BenchOptions } from './benchOptions';
import type { MachineFacts, Stat } from './benchResult';
import { machineFacts } from './benchSession';
import { stat } from './summarize';

/**
 * `npm run bench -- --serializers`: what serializing the three-hop path's
 * messages costs with ts-proto's generated serializers (what the bare
 * reference uses) and with the contracts' pooled serializers (what the stack
 * uses), measured side by side in one process, interleaved over rounds.
 */

type Serialize = (value: never) => Buffer;

interface SerializerCase {
  /** `Service.Method request|response`. */
  name: string;
  value: unknown;
  generated: Serialize;
  pooled: Serialize;
}

export interface SerializerSummary {
  name: string;
  /** Encoded size. */
  bytes: number;
  /** Nanoseconds per serialization. */
  generatedNs: Stat;
  pooledNs: Stat;
  /** pooled ÷ generated, per round, then the median and spread. */
  ratio: Stat;
}

export interface SerializersResult {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineFacts;
  settings: { rounds: number; durationMs: number };
  runs: { round: number; name: string; variant: 'generated' | 'pooled'; ns: number; count: number }[];
  summaries: SerializerSummary[];
}

/** The messages of one three-hop request (registry GetApi → account GetOrganization, profile BatchGetProfiles), with the bench's data. */
export function threeHopCases(): SerializerCase[] {
  const data = bareBenchData(1_764_000_000_000);
  const org = data.org;
  const people = data.profiles.slice(0, 2);
  const owner = (p: (typeof people)[number]): registry.Owner => ({ id: p.id, name: p.name, jobTitle: p.jobTitle });
  const A = account.AccountServiceService.getOrganization;
  const P = profile.ProfileServiceService.batchGetProfiles;
  const R = registry.RegistryServiceService.getApi;
  const pooledA = withPooledSerializers(account.AccountServiceService).getOrganization;
  const pooledP = withPooledSerializers(profile.ProfileServiceService).batchGetProfiles;
  const pooledR = withPooledSerializers(registry.RegistryServiceService).getApi;
  const api = data.api;
  return [
    { name: 'GetApi request', value: { orgId: org.id, apiId: api.id }, generated: R.requestSerialize, pooled: pooledR.requestSerialize },
    { name: 'GetOrganization request', value: { orgId: org.id }, generated: A.requestSerialize, pooled: pooledA.requestSerialize },
    {
      name: 'GetOrganization response',
      value: {
        organization: {
          id: org.id,
          name: org.name,
          plan: org.plan,
          status: account.OrganizationStatus.ORGANIZATION_STATUS_ACTIVE,
          limits: { plan: org.plan, maxApis: 500, maxDomains: 20, maxSubdomains: 100, maxUsers: 50, payAsYouGo: false },
          createTime: new Date(org.createdAt),
        },
      },
      generated: A.responseSerialize,
      pooled: pooledA.responseSerialize,
    },
    { name: 'BatchGetProfiles request', value: { orgId: org.id, profileIds: people.map((p) => p.id) }, generated: P.requestSerialize, pooled: pooledP.requestSerialize },
    {
      name: 'BatchGetProfiles response',
      value: {
        profiles: people.map((p) => ({ ...p, orgId: org.id, notifications: { emailEnabled: true, digest: 1 }, createTime: new Date(p.createdAt) })),
        missingIds: [],
      },
      generated: P.responseSerialize,
      pooled: pooledP.responseSerialize,
    },
    {
      name: 'GetApi response',
      value: {
        api: {
          id: api.id,
          orgId: org.id,
          subdomainId: data.subdomain.id,
          name: api.name,
          version: api.version,
          lifecycle: api.lifecycle,
          technicalOwner: owner(people[0]!),
          businessOwner: owner(people[1]!),
          createTime: new Date(api.createdAt),
        },
        degraded: [],
      },
      generated: R.responseSerialize,
      pooled: pooledR.responseSerialize,
    },
  ];
}

/** Serializes `value` for about `ms`, in batches of 256; nanoseconds per serialization. */
function timed(serialize: Serialize, value: unknown, ms: number): { ns: number; count: number } {
  const call = serialize as (v: unknown) => Buffer;
  let count = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < until) {
    for (let i = 0; i < 256; i++) bytes += call(value).length;
    count += 256;
    now = process.hrtime.bigint();
  }
  if (bytes === 0) throw new Error('nothing serialized');
  return { ns: Number(now - start) / count, count };
}

export function runSerializers(options: Pick<BenchOptions, 'rounds' | 'durationMs'>, command: string, log: (line: string) => void): SerializersResult {
  const startedAt = new Date().toISOString();
  const cases = threeHopCases();
  for (const c of cases) {
    const a = (c.generated as (v: unknown) => Buffer)(c.value);
    const b = (c.pooled as (v: unknown) => Buffer)(c.value);
    if (!a.equals(b)) throw new Error(`${c.name}: the pooled serializer's bytes differ from the generated one's`);
  }
  const runs: SerializersResult['runs'] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // Alternate which variant goes first, so neither always runs on a warmer heap.
    const order = round % 2 === 1 ? (['generated', 'pooled'] as const) : (['pooled', 'generated'] as const);
    for (const c of cases) {
      for (const variant of order) {
        const { ns, count } = timed(c[variant], c.value, options.durationMs);
        runs.push({ round, name: c.name, variant, ns, count });
      }
    }
    log(`  round ${round}/${options.rounds}: ${cases.map((c) => `${c.name} ${ratioOf(runs, round, c.name).toFixed(2)}×`).join(', ')}`);
  }
  const summaries = summarizeSerializers(runs, cases);
  return { startedAt, finishedAt: new Date().toISOString(), command, machine: machineFacts(), settings: { rounds: options.rounds, durationMs: options.durationMs }, runs, summaries };
}

function ratioOf(runs: SerializersResult['runs'], round: number, name: string): number {
  const ns = (variant: string) => runs.find((r) => r.round === round && r.name === name && r.variant === variant)!.ns;
  return ns('pooled') / ns('generated');
}

export function summarizeSerializers(runs: SerializersResult['runs'], cases: { name: string; value: unknown; generated: Serialize }[]): SerializerSummary[] {
  return cases.map((c) => {
    const of = (variant: string) => runs.filter((r) => r.name === c.name && r.variant === variant).map((r) => r.ns);
    const rounds = [...new Set(runs.filter((r) => r.name === c.name).map((r) => r.round))];
    return {
      name: c.name,
      bytes: (c.generated as (v: unknown) => Buffer)(c.value).length,
      generatedNs: stat(of('generated')),
      pooledNs: stat(of('pooled')),
      ratio: stat(rounds.map((round) => ratioOf(runs, round, c.name))),
    };
  });
}

const fmt = (s: Stat, digits = 0): string => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

export function serializersMarkdown(result: SerializersResult): string {
  const { machine, settings } = result;
  const lines = [
    '### Serializers (three-hop messages)',
    '',
    `Measured ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC with \`${result.command}\` on ${machine.cpuModel} × ${machine.cpus}, Node ${machine.node}; ` +
      `${settings.rounds} round(s), each message serialized for ${settings.durationMs} ms per variant and round, the variants alternating which goes first. ` +
      'Nanoseconds per serialization, median (min–max) over rounds: ts-proto\'s generated serializer (a new writer per message, what the bare reference uses) ' +
      'against the contracts\' pooled serializer (one reused writer, the bytes copied into a pooled Buffer, what the stack uses).',
    '',
    '| message | bytes | generated (ns) | pooled (ns) | pooled ÷ generated |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...result.summaries.map((s) => `| ${s.name} | ${s.bytes} | ${fmt(s.generatedNs)} | ${fmt(s.pooledNs)} | ${fmt(s.ratio, 2)} |`),
    '',
  ];
  return lines.join('\n');
}
