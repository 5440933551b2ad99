/**
 * Bare gateway: a plain node:http server answering GET /v1/orgs/{org}/usage
 * with one plain grpc-js call to billing (1 s deadline), as JSON.
 */
import { createServer, type ServerResponse } from 'node:http';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { billing } from '@govrnanza/contracts';
import { downstreamAddress } from './bareServer';

const USAGE = /^\/v1\/orgs\/([^/]+)\/usage\/?$/;
const HTTP_OF: Partial<Record<number, number>> = { [status.NOT_FOUND]: 404, [status.UNAVAILABLE]: 503, [status.DEADLINE_EXCEEDED]: 504 };
const billings = new billing.BillingServiceClient(downstreamAddress('billing'), credentials.createInsecure());

function send(res: ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-store' });
  res.end(json);
}

const server = createServer((req, res) => {
  const match = req.method === 'GET' ? USAGE.exec(req.url ?? '') : null;
  if (!match) return send(res, 404, { code: 'NOT_FOUND', message: 'no route' });
  billings.getUsage({ orgId: decodeURIComponent(match[1]!) }, { deadline: Date.now() + 1_000 }, (err: ServiceError | null, out?: billing.GetUsageResponse) => {
    if (err) return send(res, HTTP_OF[err.code] ?? 500, { code: status[err.code], message: err.details });
    send(res, 200, billing.GetUsageResponse.toJSON(out!));
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
