import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_ORG, accountClient, getOrganization, startAccountServer, type RunningAccountServer } from '../fixtures/accountServer';
import { instrumentHandler } from './instrumentHandler';
import { createMetrics, type Metrics } from './metrics';
import { parsePrometheusText } from './parsePrometheusText';
import { prometheusText } from './prometheusText';

const GET_ORG = { grpc_service: 'govrnanza.account.v1.AccountService', grpc_method: 'GetOrganization', grpc_type: 'unary' };

let metrics: Metrics;
let server: RunningAccountServer;
let client: ReturnType<typeof accountClient>;

beforeAll(async () => {
  metrics = createMetrics('account');
  server = await startAccountServer((path, handler) => instrumentHandler(path, handler, metrics));
  client = accountClient(server.port);
});

afterAll(async () => {
  client?.close();
  await server?.close();
});

/** The value of one series (0 when absent). */
async function value(name: string, labels: Record<string, string>): Promise<number> {
  const samples = parsePrometheusText(await prometheusText(metrics.registry));
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

/** Polls until `read` returns `expected` (the server may record after the client has its answer). */
async function eventually(read: () => Promise<number>, expected: number, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = await read();
  while (last !== expected && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  expect(last).toBe(expected);
}

describe('instrumentHandler with metrics', () => {
  it('records a successful call: started, handled OK, one message each way, its latency', async () => {
    const before = await value('grpc_server_started_total', GET_ORG);
    const outcome = await getOrganization(client, 'org-1');
    expect(outcome.code).toBe(status.OK);
    expect(outcome.response?.organization?.id).toBe('org-1');
    expect(await value('grpc_server_started_total', { ...GET_ORG, service: 'account' })).toBe(before + 1);
    await eventually(() => value('grpc_server_handled_total', { ...GET_ORG, grpc_code: 'OK' }), 1);
    expect(await value('grpc_server_msg_received_total', GET_ORG)).toBe(1);
    expect(await value('grpc_server_msg_sent_total', GET_ORG)).toBe(1);
    expect(await value('grpc_server_handling_seconds_count', GET_ORG)).toBe(1);
  });

  it('passes an error status through unchanged and counts it under its Go name', async () => {
    const outcome = await getOrganization(client, MISSING_ORG);
    expect(outcome).toEqual({ code: status.NOT_FOUND, details: 'no such organisation' });
    await eventually(() => value('grpc_server_handled_total', { ...GET_ORG, grpc_code: 'NotFound' }), 1);
  });

  it('counts a call whose deadline passes in the handler once, as DeadlineExceeded', async () => {
    const outcome = await getOrganization(client, 'slow:300', 50);
    expect(outcome.code).toBe(status.DEADLINE_EXCEEDED);
    await eventually(() => value('grpc_server_handled_total', { ...GET_ORG, grpc_code: 'DeadlineExceeded' }), 1);
    // The handler answers later; that answer is dropped and not counted again.
    await new Promise((r) => setTimeout(r, 350));
    expect(await value('grpc_server_handled_total', { ...GET_ORG, grpc_code: 'OK' })).toBe(1);
    expect(await value('grpc_server_handled_total', { ...GET_ORG, grpc_code: 'DeadlineExceeded' })).toBe(1);
  });

  it('counts a call the client cancels as Canceled', async () => {
    const outcome = await getOrganization(client, 'slow:300', 5000, (call) => setTimeout(() => call.cancel(), 50));
    expect(outcome.code).toBe(status.CANCELLED);
    await eventually(() => value('grpc_server_handled_total', { ...GET_ORG, grpc_code: 'Canceled' }), 1);
  });

  it('has started every call it handled', async () => {
    const started = await value('grpc_server_started_total', GET_ORG);
    const samples = parsePrometheusText(await prometheusText(metrics.registry));
    const handled = samples.filter((s) => s.name === 'grpc_server_handled_total').reduce((sum, s) => sum + s.value, 0);
    expect(handled).toBe(started);
  });
});
