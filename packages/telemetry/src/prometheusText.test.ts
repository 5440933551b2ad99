import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcMethodOf } from './grpcMethod';
import { createMetrics } from './metrics';
import { parsePrometheusText } from './parsePrometheusText';
import { prometheusText } from './prometheusText';

const METHOD = grpcMethodOf('/govrnanza.profile.v1.ProfileService/BatchGetProfiles', false, false);

function recordSome() {
  const metrics = createMetrics('registry');
  metrics.recordClientStarted('profile', METHOD);
  metrics.recordClientHandled('profile', METHOD, status.OK, 0.02, { trace_id: '0af7651916cd43dd8448eb211c80319c' });
  metrics.recordHttpRequest('/v1/orgs/{org}', 'GET', 200, 0.1, null);
  return metrics;
}

/** Samples without exemplars and without the always-moving process metrics. */
function stable(text: string) {
  return parsePrometheusText(text)
    .filter((s) => !/^(process|nodejs)_/.test(s.name))
    .map(({ name, labels, value }) => ({ name, labels, value }));
}

describe('prometheusText', () => {
  it('renders the classic format: no exemplars, no # EOF, counters typed under their _total name', async () => {
    const metrics = recordSome();
    await metrics.registry.metrics(); // an OpenMetrics render first strips _total from prom-client's counter names
    const text = await prometheusText(metrics.registry);
    expect(text).not.toContain('# {');
    expect(text).not.toContain('# EOF');
    expect(text).toContain('# TYPE grpc_client_started_total counter\n');
    expect(text).toContain('# HELP grpc_client_started_total Total number of RPC attempts started on the client.\n');
    expect(text).toContain('grpc_client_started_total{downstream="profile",');
    expect(text).toContain('# TYPE grpc_client_handling_seconds histogram\n');
  });

  it('has the same samples as the OpenMetrics render', async () => {
    const metrics = recordSome();
    expect(stable(await prometheusText(metrics.registry))).toEqual(stable(await metrics.registry.metrics()));
  });
});
