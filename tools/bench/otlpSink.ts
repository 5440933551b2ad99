import { createServer } from 'node:http';

/** What the sink has received so far. */
export interface SinkCounts {
  /** Export requests on /v1/traces. */
  requests: number;
  /** Body bytes of those requests (OTLP protobuf). */
  bytes: number;
}

/** A running sink. */
export interface OtlpSink {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  counts(): SinkCounts;
  close(): Promise<void>;
}

/**
 * A tiny OTLP/HTTP receiver on 127.0.0.1: accepts POST /v1/traces, counts
 * and discards the body, answers 200 with an empty ExportTraceServiceResponse
 * (an empty protobuf message is a valid one), so that tracing configurations
 * really serialize and send every span without a collector.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  const counts: SinkCounts = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    const traces = req.method === 'POST' && req.url === '/v1/traces';
    req.on('data', (chunk: Buffer) => {
      if (traces) counts.bytes += chunk.length;
    });
    req.on('end', () => {
      if (traces) counts.requests++;
      res.writeHead(traces ? 200 : 404, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
