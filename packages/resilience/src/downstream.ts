import { Client, credentials, status, type Interceptor, type ServiceError as GrpcError } from '@grpc/grpc-js';
import { BulkheadRejectedError } from 'cockatiel';
import { idempotencyOf, withPooledSerializers } from '@govrnanza/contracts';
import { errorMeta, isGrpcError, ServiceError, statusName, type CallContext, type Cancellation, type ResilienceMode } from '@govrnanza/runtime';
import type { AttemptMetrics, AttemptRecorder } from '@govrnanza/telemetry';
import type { BackendName, ServiceName } from '@govrnanza/topology';
import { AttemptError, RETRYABLE_CODES } from './attemptError';
import { callDeadline, attemptDeadline, remainingMs, retryFits } from './deadline';
import { NO_EVENTS, type BreakerState, type ResilienceEvents } from './events';
import { hedged } from './hedge';
import { DEFAULT_POLICY, type DownstreamPolicyOptions } from './options';
import { buildPolicyStack, isCancelledBeforeSent, isPolicyRejection, type PolicyStack } from './policyStack';
import { RetryBudget } from './retryBudget';
import { NOT_SENT, unaryCall, type MethodDef } from './unaryCall';
import { DependencyRejection } from './dependencyRejection';

/** What is needed to call one downstream. */
export interface DownstreamSpec<D> {
  caller: ServiceName;
  downstream: BackendName;
  /** `host:port` */
  address: string;
  /** The ts-proto grpc-js service definition. */
  definition: D;
  mode: ResilienceMode;
  policy?: Partial<DownstreamPolicyOptions>;
  events?: ResilienceEvents;
  /** Per-attempt client metrics (telemetry's `attemptMetrics`), resolved once per method. */
  attempts?: AttemptMetrics;
  /** grpc-js client interceptors, run on every attempt (none by default: each adds a layer per call). */
  interceptors?: Interceptor[];
}

/** One typed method per RPC: `(request, ctx) => Promise<response>`. */
export type DownstreamMethods<D> = {
  [K in keyof D]: D[K] extends { requestSerialize: (v: infer Req) => Buffer; responseDeserialize: (b: Buffer) => infer Res }
    ? (request: Req, ctx: CallContext) => Promise<Res>
    : never;
};

/** A downstream's typed methods plus its state. */
export type Downstream<D> = DownstreamMethods<D> & {
  readonly downstreamName: BackendName;
  readonly breakerState: BreakerState;
  close(): void;
};

/**
 * Creates the client of one downstream: the policy stack, retry budget and
 * channel are built here once and shared by every call. Handlers call the
 * typed methods and never see a policy. What each call does depends on the
 * resilience mode:
 * - `none`: one attempt with the caller's deadline passed through unchanged;
 * - `mesh`: deadline propagation with margin and fail-fast (the mesh retries and breaks);
 * - `code` / `both`: all of it: bulkhead → breaker → retry within budget → attempt deadline, and optional hedging.
 */
export function createDownstream<D extends object>(spec: DownstreamSpec<D>): Downstream<D> {
  const options: DownstreamPolicyOptions = { ...DEFAULT_POLICY, ...spec.policy };
  const events = spec.events ?? NO_EVENTS;
  const client = new Client(spec.address, credentials.createInsecure(), { interceptors: spec.interceptors ?? [] });
  const policies = spec.mode === 'code' || spec.mode === 'both' ? buildPolicyStack(options, events) : undefined;
  const budget = new RetryBudget({ ratio: options.retryBudgetRatio, minRetriesPerWindow: options.retryBudgetMinPerWindow });
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(withPooledSerializers(spec.definition)) as [string, MethodDef<unknown, unknown>][]) {
    out[key] = methodCaller(def, { spec, options, events, client, policies, budget });
  }
  Object.defineProperties(out, {
    downstreamName: { value: spec.downstream },
    breakerState: { get: () => policies?.breakerState ?? 'closed' },
    close: { value: () => client.close() },
  });
  return out as Downstream<D>;
}

interface Shared {
  spec: DownstreamSpec<unknown>;
  options: DownstreamPolicyOptions;
  events: ResilienceEvents;
  client: Client;
  policies: PolicyStack | undefined;
  budget: RetryBudget;
}

function methodCaller<Req, Res>(def: MethodDef<Req, Res>, s: Shared): (request: Req, ctx: CallContext) => Promise<Res> {
  const method = def.path.slice(def.path.lastIndexOf('/') + 1);
  const level = idempotencyOf(def.path);
  const m: MethodTarget<Req, Res> = {
    def,
    method,
    label: `${s.spec.downstream}.${method}`,
    hedge: s.options.hedgeDelayMs > 0 && level === 'NO_SIDE_EFFECTS',
    attempts: s.spec.attempts?.(def.path),
  };

  // Not async: one promise chain per call rather than an async function's frame and awaits.
  return (request, ctx) => {
    const started = performance.now();
    const passThrough = s.spec.mode === 'none';
    const deadline = passThrough ? ctx.deadline : callDeadline(ctx.deadline, s.options.marginMs);
    const left = remainingMs(deadline);
    if (left !== Infinity) s.events.budgetLeft(ctx.trace, method, Math.max(0, left) / 1000);
    let sent: Promise<Res>;
    try {
      if (!passThrough && left < s.options.minCallMs) {
        throw new ServiceError(status.DEADLINE_EXCEEDED, `${m.label}: not started, ${Math.max(0, Math.round(left))} ms left of the deadline`, {
          downstream: s.spec.downstream,
        });
      }
      sent = s.policies ? viaPolicies(m, request, ctx, deadline, s, isIdempotent(level, request)) : once(m, request, ctx, deadline, s);
    } catch (err) {
      // Whatever fails before the call is on its way (e.g. writing its metadata) rejects like the call would.
      return Promise.reject(failure(err, m, ctx, s, started));
    }
    return sent.then(
      (response) => {
        s.events.call(ctx.trace, method, status.OK, (performance.now() - started) / 1000);
        return response;
      },
      (err: unknown) => {
        throw failure(err, m, ctx, s, started);
      },
    );
  };
}

/** The error the caller of a failed call gets, the call recorded (a function of its own: no closure per call). */
function failure<Req, Res>(err: unknown, m: MethodTarget<Req, Res>, ctx: CallContext, s: Shared, started: number): ServiceError {
  if (err instanceof BulkheadRejectedError) s.events.bulkheadRejected(ctx.trace);
  const mapped = mapError(err, s.spec.downstream, m.label);
  if (mapped.code === status.DEADLINE_EXCEEDED) s.events.deadlineExceeded(ctx.trace, m.method);
  s.events.call(ctx.trace, m.method, mapped.code, (performance.now() - started) / 1000);
  return mapped;
}

function isIdempotent(level: string, request: unknown): boolean {
  if (level !== 'IDEMPOTENCY_UNKNOWN') return true;
  const key = (request as { idempotencyKey?: unknown }).idempotencyKey;
  return typeof key === 'string' && key.length > 0;
}

/** What is fixed per method of a downstream, worked out once when its client is built. */
interface MethodTarget<Req, Res> {
  def: MethodDef<Req, Res>;
  /** e.g. `GetOrganization` */
  method: string;
  /** `<downstream>.<method>`, the prefix of every error message */
  label: string;
  /** hedging is on and the method has no side effects */
  hedge: boolean;
  attempts: AttemptRecorder | undefined;
}

function once<Req, Res>(m: MethodTarget<Req, Res>, request: Req, ctx: CallContext, deadline: number, s: Shared): Promise<Res> {
  return unaryCall(s.client, m.def, request, ctx.requestId, deadline, ctx.cancellation, ctx.trace, m.attempts).catch((err: unknown) => {
    throw toAttemptError(err, s.spec.downstream, m.label, false);
  });
}

// Not async: it returns the stack's promise as it is, without wrapping it in one more.
function viaPolicies<Req, Res>(m: MethodTarget<Req, Res>, request: Req, ctx: CallContext, deadline: number, s: Shared, idempotent: boolean): Promise<Res> {
  const { def, method, label, hedge, attempts } = m;
  s.budget.recordRequest();
  const attempt = async (n: number): Promise<Res> => {
    const now = Date.now();
    if (remainingMs(deadline, now) < s.options.minCallMs) {
      throw new AttemptError(status.DEADLINE_EXCEEDED, `${label}: deadline reached before attempt ${n + 1}`, s.spec.downstream, false);
    }
    const perAttempt = attemptDeadline(deadline, s.options.attemptTimeoutMs, now);
    const send = (cancellation: Cancellation): Promise<Res> => unaryCall(s.client, def, request, ctx.requestId, perAttempt, cancellation, ctx.trace, attempts);
    try {
      return hedge ? await hedged(send, s.options.hedgeDelayMs, () => mayHedge(s, ctx, method), ctx.cancellation) : await send(ctx.cancellation);
    } catch (err) {
      const code = isGrpcError(err) ? err.code : status.UNKNOWN;
      const retry = idempotent && RETRYABLE_CODES.has(code) && n < s.options.maxRetries && !ctx.cancellation.aborted && mayRetry(s, ctx, deadline, method);
      if (retry) s.events.retry(ctx.trace, method, n + 1, code);
      throw toAttemptError(err, s.spec.downstream, label, retry);
    }
  };
  return s.policies!.execute(attempt, ctx.cancellation);
}

function mayRetry(s: Shared, ctx: CallContext, deadline: number, method: string): boolean {
  if (!retryFits(deadline, s.options.backoffMaxMs, s.options.minCallMs)) return false;
  if (s.budget.tryAcquire()) return true;
  s.events.retryBudgetExhausted(ctx.trace, method);
  return false;
}

function mayHedge(s: Shared, ctx: CallContext, method: string): boolean {
  if (!s.budget.tryAcquire()) {
    s.events.retryBudgetExhausted(ctx.trace, method);
    return false;
  }
  s.events.hedge(ctx.trace, method);
  return true;
}

function toAttemptError(err: unknown, downstream: string, label: string, retryable: boolean): AttemptError {
  if (!isGrpcError(err)) return new AttemptError(status.UNKNOWN, `${label}: ${(err as Error)?.message ?? 'failed'}`, downstream, retryable);
  const meta = errorMeta(err as GrpcError);
  const detail = err.details || statusName(err.code);
  return new AttemptError(err.code, `${label}: ${detail}`, downstream, retryable, meta.field, meta.reason, err.details);
}

function mapError(err: unknown, downstream: BackendName, label: string): ServiceError {
  if (err instanceof ServiceError) return err;
  if (isPolicyRejection(err)) return DependencyRejection.from(err, downstream, label);
  if (isCancelledBeforeSent(err)) return new ServiceError(status.CANCELLED, `${label}: ${NOT_SENT}`, { downstream });
  return new ServiceError(status.UNKNOWN, `${label}: ${(err as Error)?.message ?? 'failed'}`, { downstream });
}
