/**
 * A scrape target standing in for one of our services: it answers /metrics in
 * the Prometheus text format, and can be made to fail or to stop exposing the
 * request histogram, so tests change what a real Prometheus sees.
 */
import { LABEL, PATHS, ROUTE, SERVER_METRICS } from '@menagerie/contract';
import { sendText, serve, type TestServer } from './server.ts';

export interface MetricTarget extends TestServer {
  /** When false, /metrics answers 503, so Prometheus marks the target down. */
  up: boolean;
  /** When false, the request histogram is gone from the scrape (as before the first request). */
  servesTraffic: boolean;
}

export async function startMetricTarget(): Promise<MetricTarget> {
  const state = { up: true, servesTraffic: true };
  const server = await serve((request, response) => {
    if (request.url !== PATHS.metrics) return sendText(response, 404, 'not found');
    if (!state.up) return sendText(response, 503, 'unavailable');
    sendText(response, 200, state.servesTraffic ? histogram() : '');
  });
  return Object.assign(state, server);
}

function histogram(): string {
  const { name } = SERVER_METRICS.requestDuration;
  const labels = `${LABEL.method}="POST",${LABEL.route}="${ROUTE.animals}",${LABEL.statusCode}="201"`;
  return [
    `# TYPE ${name} histogram`,
    `${name}_bucket{${labels},le="0.1"} 2`,
    `${name}_bucket{${labels},le="+Inf"} 3`,
    `${name}_sum{${labels}} 0.4`,
    `${name}_count{${labels}} 3`,
    '',
  ].join('\n');
}
