import type { status } from '@grpc/grpc-js';
import type { ServiceName } from '@govrnanza/topology';
import { parseFaultRules, type FaultRule } from './faultRule';

/** What to do to one call. */
export interface FaultDecision {
  delayMs: number;
  abortCode: status | undefined;
  drop: boolean;
}

/**
 * Holds the fault rules of one service and decides, per call, which apply.
 * Each matching rule is drawn independently with its own percentage; delays
 * add up, the first abort or drop wins.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private specsJson = '[]';

  constructor(
    readonly service: ServiceName,
    private readonly random: () => number = Math.random,
  ) {}

  /** Replaces the rules with those of `json` that name this service; returns how many apply. Throws on invalid rules (nothing changes). */
  setRules(json: string): number {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new Error(`fault rules are not valid JSON: ${(err as Error).message}`);
    }
    const mine = parseFaultRules(parsed, this.random).filter((r) => r.spec.service === this.service);
    this.rules = mine;
    this.specsJson = JSON.stringify(mine.map((r) => r.spec));
    return mine.length;
  }

  /** The rules of this service as JSON. */
  rulesJson(): string {
    return this.specsJson;
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The faults for one call of `path`, or undefined when none applies. */
  decide(path: string): FaultDecision | undefined {
    let decision: FaultDecision | undefined;
    for (const rule of this.rules) {
      if (!rule.matches(path) || this.random() >= rule.probability) continue;
      decision ??= { delayMs: 0, abortCode: undefined, drop: false };
      if (rule.delay) decision.delayMs += rule.delay.sample();
      if (decision.abortCode === undefined && !decision.drop) {
        decision.abortCode = rule.abortCode;
        decision.drop = rule.drop;
      }
    }
    return decision;
  }
}
