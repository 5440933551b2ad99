import { credentials, Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { context, propagation, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { account } from '@govrnanza/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { traceContextOf, tracedHandler } from './tracedHandler';

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register();

const PATH = '/govrnanza.account.v1.AccountService/GetOrganization';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let server: Server;
let client: account.AccountServiceClient;
/** What the handler saw: its active span and the trace context it was given. */
const seen: { active?: string; given?: string }[] = [];

beforeAll(async () => {
  server = new Server();
  server.addService(account.AccountServiceService, {
    getOrganization: tracedHandler(PATH, (call, callback) => {
      seen.push({ active: trace.getActiveSpan()?.spanContext().spanId, given: trace.getSpan(traceContextOf(call))?.spanContext().spanId });
      const orgId = (call.request as account.GetOrganizationRequest).orgId;
      if (orgId === 'missing') return callback({ code: status.NOT_FOUND, details: 'no such organisation' });
      setTimeout(() => callback(null, { organization: undefined }), orgId === 'slow' ? 300 : 0);
    }),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  client = new account.AccountServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
});

beforeEach(() => {
  spans.reset();
  seen.length = 0;
});

afterAll(async () => {
  client?.close();
  server?.forceShutdown();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

function call(orgId: string, timeoutMs = 2000): Promise<number> {
  const metadata = new Metadata();
  metadata.set('traceparent', `00-${TRACE}-00f067aa0ba902b7-01`);
  return new Promise((resolve) =>
    client.getOrganization({ orgId }, metadata, { deadline: Date.now() + timeoutMs }, (err: ServiceError | null) => resolve(err ? err.code : status.OK)),
  );
}

async function endedSpans(n: number): Promise<ReturnType<typeof spans.getFinishedSpans>> {
  for (let i = 0; i < 100 && spans.getFinishedSpans().length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return spans.getFinishedSpans();
}

describe('tracedHandler', () => {
  it("runs the handler inside a server span of the caller's trace, given to the handler too, ended with OK", async () => {
    expect(await call('org-1')).toBe(status.OK);
    const [span] = await endedSpans(1);
    expect(span!.spanContext().traceId).toBe(TRACE);
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(seen).toEqual([{ active: span!.spanContext().spanId, given: span!.spanContext().spanId }]);
    expect(span!.attributes['rpc.grpc.status_code']).toBe(status.OK);
  });

  it('ends the span with the status the handler sent, passed on unchanged', async () => {
    expect(await call('missing')).toBe(status.NOT_FOUND);
    const [span] = await endedSpans(1);
    expect(span!.attributes['rpc.grpc.status_code']).toBe(status.NOT_FOUND);
  });

  it('ends the span of a call its caller gave up on as DEADLINE_EXCEEDED', async () => {
    expect(await call('slow', 50)).toBe(status.DEADLINE_EXCEEDED);
    const [span] = await endedSpans(1);
    expect(span!.attributes['rpc.grpc.status_code']).toBe(status.DEADLINE_EXCEEDED);
  });
});
