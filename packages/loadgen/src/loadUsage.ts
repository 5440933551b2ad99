/** The usage text of `npm run load`. */
export const LOAD_USAGE = `Usage: npm run load -- (--url URL... | --grpc HOST:PORT --rpc PATH) [options]

Sends load to a Govrnanza service on this machine (loopback only) and reports
rate achieved, success ratio, status codes and latency quantiles.

Target (one of):
  --url URL              HTTP URL on 127.0.0.1 / ::1 / localhost; repeat for round-robin
                         (all on one host:port), e.g. http://127.0.0.1:8080/v1/orgs/o1
  --grpc HOST:PORT       gRPC server, e.g. 127.0.0.1:50051
HTTP:
  --method M             HTTP method (default GET)
  --body JSON            request body (sets content-type: application/json)
  --header "K: V"        request header; repeatable
  --connections N        most keep-alive sockets (default 256)
gRPC:
  --rpc PATH             full unary method, e.g. /govrnanza.account.v1.AccountService/GetOrganization
  --request JSON         request in proto3 JSON (default {}); repeat for round-robin
  --metadata "K: V"      call metadata; repeatable
Load:
  --rate N               open loop: requests per second (default 100)
  --arrival fixed|poisson  open-loop arrivals (default fixed)
  --closed               closed loop instead: --concurrency workers as fast as possible
  --concurrency N        closed-loop workers (default 16)
  --duration D           measured run length (default 10s)
  --warmup D             open loop: send at the rate this long first, unrecorded (default 0)
  --max-requests N       stop after N requests
  --timeout D            per-request timeout (default 5s)
Output:
  --json                 print the JSON report instead of the summary
  -h, --help             this text
Durations: 500ms, 10s, 2m; a bare number is seconds.
Open-loop latency counts from each request's intended send time (coordinated
omission corrected); the report says "fell behind" when the generator could not
hold the rate.`;
