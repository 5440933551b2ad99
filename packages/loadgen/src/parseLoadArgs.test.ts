import { describe, expect, it } from 'vitest';
import { parseLoadArgs, UsageError } from './parseLoadArgs';

describe('parseLoadArgs', () => {
  it('reads an open-loop HTTP run with round-robin URLs, body and headers', () => {
    const command = parseLoadArgs([
      '--url', 'http://127.0.0.1:8080/v1/orgs/o1/apis?limit=5',
      '--url', 'http://127.0.0.1:8080/v1/orgs/o2/apis',
      '--method', 'POST', '--body', '{"name":"x"}', '--header', 'X-Org: o1',
      '--rate', '250', '--arrival', 'poisson', '--duration', '30s', '--warmup', '500ms', '--timeout', '2', '--json',
    ]);
    expect(command).toEqual({
      help: false,
      json: true,
      target: {
        kind: 'http',
        options: {
          host: '127.0.0.1',
          port: 8080,
          requests: [
            { method: 'POST', path: '/v1/orgs/o1/apis?limit=5', headers: { 'X-Org': 'o1' }, body: '{"name":"x"}' },
            { method: 'POST', path: '/v1/orgs/o2/apis', headers: { 'X-Org': 'o1' }, body: '{"name":"x"}' },
          ],
        },
      },
      run: { mode: 'open', rate: 250, arrival: 'poisson', warmupMs: 500, durationMs: 30_000, timeoutMs: 2000 },
    });
  });

  it('reads a closed-loop gRPC run', () => {
    const command = parseLoadArgs([
      '--grpc', '127.0.0.1:50051', '--rpc', '/govrnanza.account.v1.AccountService/GetOrganization',
      '--request', '{"orgId":"o1"}', '--metadata', 'x-run: 7', '--closed', '--concurrency', '8', '--max-requests', '1000',
    ]);
    expect(command).toEqual({
      help: false,
      json: false,
      target: {
        kind: 'grpc',
        options: {
          address: '127.0.0.1:50051',
          method: '/govrnanza.account.v1.AccountService/GetOrganization',
          json: [{ orgId: 'o1' }],
          metadata: { 'x-run': '7' },
        },
      },
      run: { mode: 'closed', concurrency: 8, durationMs: 10_000, timeoutMs: 5000, maxRequests: 1000 },
    });
  });

  it('answers --help', () => {
    expect(parseLoadArgs(['-h'])).toEqual({ help: true });
  });

  it.each([
    [[], /give a target/],
    [['--url', 'http://127.0.0.1:1/', '--rate', '0'], /--rate must be a number/],
    [['--url', 'http://127.0.0.1:1/', '--duration', '10h'], /--duration must be a duration/],
    [['--url', 'https://127.0.0.1/'], /must be http:/],
    [['--url', 'http://127.0.0.1:1/', '--url', 'http://127.0.0.1:2/'], /same host:port/],
    [['--url', 'http://127.0.0.1:1/', '--body', '{nope'], /--body is not valid JSON/],
    [['--url', 'http://127.0.0.1:1/', '--closed', '--rate', '5'], /open loop, not --closed/],
    [['--grpc', '127.0.0.1:1'], /--rpc/],
    [['--url', 'http://127.0.0.1:1/', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(UsageError);
    expect(() => parseLoadArgs(argv)).toThrow(message);
  });
});
