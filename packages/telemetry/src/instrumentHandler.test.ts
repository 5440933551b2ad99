import { credentials, Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { context, propagation, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { account } from '@govrnanza/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SyncContextManager } from './syncContextManager';
import { traceContextOf, instrumentHandler } from './instrumentHandler';

// As the services run: the synchronous context manager (TRACE_CONTEXT=explicit).
const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register({ contextManager: new SyncContextManager() });

const PATH = '/govrnanza.account.v1.AccountService/GetOrganization';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let server: Server;
let client: account.AccountServiceClient;
/** What the handler saw: its active span and the trace context it was given. */
const seen: { active?: string; given?: string; givenLater?: string }[] = [];

const ORG: account.Organization = { id: 'org_1', name: 'Acme', plan: 1, status: 1, limits: undefined, createTime: undefined };

beforeAll(async () => {
  server = new Server();
  server.addService(account.AccountServiceService, {
    getOrganization: instrumentHandler(PATH, (call, callback) => {
      const record: (typeof seen)[number] = { active: trace.getActiveSpan()?.spanContext().spanId, given: trace.getSpan(traceContextOf(call))?.spanContext().spanId };
      seen.push(record);
      const orgId = (call.request as account.GetOrganizationRequest).orgId;
      if (orgId === 'missing') {
        const trailer = new Metadata();
        trailer.set('error-field', 'org_id');
        return callback({ code: status.NOT_FOUND, details: 'no such organisation', metadata: trailer });
      }
      // 'never': the handler never answers (as during an injected delay its caller gives up on).
      if (orgId === 'never') return;
      setTimeout(() => {
        record.givenLater = trace.getSpan(traceContextOf(call))?.spanContext().spanId;
        callback(null, { organization: ORG });
      }, orgId === 'slow' ? 300 : 0);
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

interface Outcome {
  code: number;
  details?: string;
  field?: string;
  response?: account.GetOrganizationResponse;
}

function call(orgId: string, timeoutMs = 2000): Promise<Outcome> {
  const metadata = new Metadata();
  metadata.set('traceparent', `00-${TRACE}-00f067aa0ba902b7-01`);
  return new Promise((resolve) =>
    client.getOrganization({ orgId }, metadata, { deadline: Date.now() + timeoutMs }, (err: ServiceError | null, response) =>
      resolve(err ? { code: err.code, details: err.details, field: String(err.metadata.get('error-field')[0] ?? '') } : { code: status.OK, response }),
    ),
  );
}

async function endedSpans(n: number): Promise<ReturnType<typeof spans.getFinishedSpans>> {
  for (let i = 0; i < 100 && spans.getFinishedSpans().length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return spans.getFinishedSpans();
}

describe('instrumentHandler', () => {
  it("runs the handler inside a server span of the caller's trace, which the handler finds later too, ended with OK", async () => {
    const outcome = await call('org-1');
    expect(outcome).toEqual({ code: status.OK, response: { organization: ORG } });
    const [span] = await endedSpans(1);
    const id = span!.spanContext().spanId;
    expect(span!.spanContext().traceId).toBe(TRACE);
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    // Active while the handler starts (synchronously); after a timer, only through the call.
    expect(seen).toEqual([{ active: id, given: id, givenLater: id }]);
    expect(span!.attributes['rpc.grpc.status_code']).toBe(status.OK);
  });

  it('passes an error answer through unchanged (code, details, trailer) and ends the span with its code', async () => {
    expect(await call('missing')).toEqual({ code: status.NOT_FOUND, details: 'no such organisation', field: 'org_id' });
    const [span] = await endedSpans(1);
    expect(span!.attributes['rpc.grpc.status_code']).toBe(status.NOT_FOUND);
  });

  it('ends the span of a call its caller gave up on as DEADLINE_EXCEEDED, answered late or never', async () => {
    expect((await call('slow', 50)).code).toBe(status.DEADLINE_EXCEEDED);
    expect((await call('never', 50)).code).toBe(status.DEADLINE_EXCEEDED);
    const ended = await endedSpans(2);
    expect(ended.map((s) => s.attributes['rpc.grpc.status_code'])).toEqual([status.DEADLINE_EXCEEDED, status.DEADLINE_EXCEEDED]);
  });
});
