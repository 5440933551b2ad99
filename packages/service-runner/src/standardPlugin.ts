import { FaultInjector, faultAdminService, faultHandlerWrapper, type FaultObserver } from '@govrnanza/faults';
import { faults } from '@govrnanza/contracts';
import { NO_EVENTS, type BreakerState, type ResilienceEvents } from '@govrnanza/resilience';
import type { Logger, ServedService } from '@govrnanza/runtime';
import {
  attemptMetrics,
  createMetrics,
  instrumentHandler,
  shutdownTracing,
  spanEvent,
  startMetricsServer,
  traceContextOf,
  traceExemplar,
  type Metrics,
} from '@govrnanza/telemetry';
import type { BackendName } from '@govrnanza/topology';
import type { ServiceConfig } from './backendConfig';
import type { BackendPlugin } from './startBackend';

const FAULT_ADMIN = 'govrnanza.faults.v1.FaultAdminService';

/**
 * What every Govrnanza process gets: Prometheus metrics on METRICS_PORT
 * (server metrics and a server span around each handler, per-attempt client
 * metrics, resilience events, HTTP RED for the gateway), span events for
 * resilience decisions, and — when FAULTS=on — fault injection around each
 * handler and its admin RPC. The span and the server metrics sit outside the
 * faulted handler, so injected faults are measured like real ones. No grpc-js
 * interceptor is installed: each would add a layer to every call.
 */
export function standardPlugin(): BackendPlugin {
  let metrics: Metrics | undefined;
  let injector: FaultInjector | undefined;
  let log: Logger | undefined;
  let metricsOn = true;
  const m = (): Metrics => {
    if (!metrics) throw new Error('standard plugin used before start');
    return metrics;
  };
  const plugin: BackendPlugin = {
    async start(config: ServiceConfig, logger: Logger) {
      log = logger;
      if (config.faults.enabled) {
        injector = new FaultInjector(config.service);
        const n = injector.setRules(config.faults.rulesJson);
        logger.warn({ rules: injector.rulesJson(), active: n }, 'fault injection enabled');
      }
      metricsOn = config.metrics;
      if (!metricsOn) {
        logger.warn('metrics off (METRICS=off)');
        return { name: 'telemetry', stop: () => shutdownTracing() };
      }
      // Only when on: the default process metrics observe every garbage collection.
      metrics = createMetrics(config.service);
      const server = await startMetricsServer({ host: config.host, port: config.metricsPort, registry: metrics.registry });
      logger.info({ port: server.port }, 'metrics listening');
      // Last stopper: flush the spans of the drained calls (the process exits right after).
      return { name: 'telemetry', stop: async () => (await server.close(), await shutdownTracing()) };
    },
    // Outermost the server span and metrics, then faults, then the service's handler.
    wrapHandler(path, handler) {
      const measured = metricsOn ? m() : undefined;
      if (!injector) return instrumentHandler(path, handler, measured);
      const observe: FaultObserver = (p, kind, detail, call) => {
        const method = p.slice(p.lastIndexOf('/') + 1);
        if (metricsOn) m().recordFaultInjected(method, kind);
        spanEvent(traceContextOf(call), 'fault.injected', () => ({
          'fault.kind': kind,
          ...(detail.delayMs !== undefined ? { 'fault.delay_ms': detail.delayMs } : {}),
          ...(detail.code !== undefined ? { 'fault.code': detail.code } : {}),
        }));
        log?.warn({ method, kind, ...detail }, 'fault injected');
      };
      return instrumentHandler(path, faultHandlerWrapper(injector, observe)(path, handler), measured);
    },
    attemptMetrics(downstream: BackendName) {
      return metricsOn ? attemptMetrics(m(), downstream) : undefined;
    },
    events(_caller: string, downstream: BackendName) {
      return metricsOn ? metricsEvents(m(), downstream) : NO_EVENTS;
    },
    httpObserver() {
      return { observe: (route, method, status, seconds) => (metricsOn ? m().recordHttpRequest(route, method, status, seconds) : undefined) };
    },
    services(config: ServiceConfig, logger: Logger): ServedService[] {
      if (!injector || !config.faults.token) return [];
      const implementation = faultAdminService(injector, config.faults.token, (rules) => logger.warn({ rules }, 'fault rules changed'));
      return [{ name: FAULT_ADMIN, definition: faults.FaultAdminServiceService, implementation, internal: true }];
    },
  };
  return plugin;
}

/** Resilience events as metrics and span events on the call's span; latency samples link to its trace. */
function metricsEvents(metrics: Metrics, downstream: BackendName): ResilienceEvents {
  metrics.setCircuitBreakerState(downstream, 'closed');
  return {
    call: (trace, method, code, seconds) => metrics.recordClientCall(downstream, method, code, seconds, traceExemplar(trace) ?? null),
    budgetLeft: (trace, method, seconds) => metrics.recordBudgetLeft(downstream, method, seconds, traceExemplar(trace) ?? null),
    retry(trace, method, attempt, code) {
      metrics.recordRetry(downstream, method);
      spanEvent(trace, 'retry', () => ({ 'retry.downstream': downstream, 'retry.method': method, 'retry.attempt': attempt, 'retry.after_code': code }));
    },
    hedge(trace, method) {
      metrics.recordHedge(downstream, method);
      spanEvent(trace, 'hedge', () => ({ 'hedge.downstream': downstream, 'hedge.method': method }));
    },
    retryBudgetExhausted(trace, method) {
      metrics.recordRetryBudgetExhausted(downstream);
      spanEvent(trace, 'retry_budget.exhausted', () => ({ 'retry.downstream': downstream, 'retry.method': method }));
    },
    deadlineExceeded: (_trace, method) => metrics.recordDeadlineExceeded(downstream, method),
    breakerState: (state: BreakerState) => metrics.recordCircuitBreakerTransition(downstream, state),
    bulkheadRejected(trace) {
      metrics.recordBulkheadRejection(downstream);
      spanEvent(trace, 'bulkhead.rejected', () => ({ 'bulkhead.downstream': downstream }));
    },
    fallback(trace, part, reason) {
      metrics.recordFallback(downstream, part, reason);
      spanEvent(trace, 'fallback', () => ({ 'fallback.downstream': downstream, 'fallback.part': part, 'fallback.reason': reason }));
    },
    failOpen(trace, decision) {
      metrics.recordFailOpenDecision(downstream, decision);
      spanEvent(trace, 'fail_open', () => ({ 'fail_open.downstream': downstream, 'fail_open.decision': decision }));
    },
  };
}
