import { DATASOURCE_UID } from '@menagerie/contract';
import { listPanelQueries } from '@menagerie/monitoring/inspect';
import {
  datasourceHealthCheck,
  type PanelTarget,
  panelsThroughGrafanaCheck,
} from '@menagerie/tools/e2e/checks/grafana-panels';
import { generatedMetricCheck } from '@menagerie/tools/e2e/checks/links';
import { dashboardPanelTargets, kubernetesOnlyTargets } from '@menagerie/tools/e2e/panel-targets';
import { expect } from 'chai';
import { sendJson, serve, type TestServer } from './support/server.ts';

const credentials = { user: 'admin', password: 'secret' };
const RANGE = { from: 'now-1h', to: 'now' };
const frames = (rows: number) => [{ data: { values: [Array.from({ length: rows }, (_, i) => i)] } }];

const target = (
  label: string,
  type: PanelTarget['datasource']['type'],
  query: string,
  queryType = '',
): PanelTarget => ({
  label,
  datasource: { type, uid: type },
  query,
  queryType,
  instant: false,
});
const SERVICE_GRAPH = target('service graph series', 'prometheus', 'traces_service_graph_request_total');

/** A Grafana 9 as far as these checks go: no backend health checks, Tempo's backend runs trace ids only. */
async function grafana9(options: { emptyExpr?: string; proxyStatus?: number } = {}): Promise<TestServer> {
  return serve((request, response, body) => {
    const url = new URL(request.url ?? '/', 'http://grafana');
    if (/^\/api\/datasources\/uid\/[^/]+\/health$/.test(url.pathname))
      return sendJson(response, 404, { message: 'Not found' });
    const byUid = /^\/api\/datasources\/uid\/([^/]+)$/.exec(url.pathname);
    if (byUid) return sendJson(response, 200, { id: 1, uid: byUid[1], type: byUid[1] });
    if (url.pathname.startsWith('/api/datasources/proxy/uid/')) {
      if (url.pathname.endsWith('/api/search'))
        return sendJson(response, 200, { traces: [{ traceID: 'abc' }] });
      return sendJson(response, options.proxyStatus ?? 200, {});
    }
    if (url.pathname === '/api/ds/query') {
      const [query] = (
        JSON.parse(body) as { queries: { expr?: string; query?: string; datasource: { type: string } }[] }
      ).queries;
      if (query?.datasource.type === 'tempo') {
        return sendJson(response, 200, {
          results: { A: { error: `failed to get trace with id: ${query.query}` } },
        });
      }
      const rows = query?.expr === options.emptyExpr ? 0 : 3;
      return sendJson(response, 200, { results: { A: { frames: frames(rows) } } });
    }
    return sendJson(response, 404, { message: 'Not found' });
  });
}

describe('the full checks: datasource health, every panel through Grafana, generated metrics', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const start = async (server: Promise<TestServer>) => {
    const started = await server;
    servers.push(started);
    return started;
  };

  it("runs Grafana 9's frontend test where the backend has no health check, and fails when that test fails", async () => {
    const grafana = await start(grafana9());
    const uids = [DATASOURCE_UID.prometheus, DATASOURCE_UID.loki, DATASOURCE_UID.tempo];
    const passed = await datasourceHealthCheck(grafana.url, credentials, uids).attempt();
    expect(passed).to.include(
      'loki (no backend health check; GET /loki/api/v1/labels through the proxy: 200)',
    );
    const broken = await start(grafana9({ proxyStatus: 502 }));
    let message = '';
    await datasourceHealthCheck(broken.url, credentials, uids)
      .attempt()
      .catch((error: Error) => {
        message = error.message;
      });
    expect(message).to.include(
      'prometheus: no backend health check; GET /api/v1/query?query=1%2B1 through the proxy: 502',
    );
  });

  it('names every panel target without data, and runs Tempo searches the way Grafana 9 does', async () => {
    const grafana = await start(grafana9({ emptyExpr: 'empty' }));
    const targets = [
      target('overview / rate (A)', 'prometheus', 'rate'),
      target('overview / empty (A)', 'prometheus', 'empty'),
      target('traces / slow (A)', 'tempo', '{ duration > 1s }', 'traceql'),
      target('traces / graph (A)', 'tempo', '', 'serviceMap'),
    ];
    let message = '';
    await panelsThroughGrafanaCheck(grafana.url, credentials, () => targets, RANGE, SERVICE_GRAPH)
      .attempt()
      .catch((error: Error) => {
        message = error.message;
      });
    expect(message).to.equal('1 of 4 panel targets without data: overview / empty (A)');
    const passed = await panelsThroughGrafanaCheck(
      grafana.url,
      credentials,
      () => targets.filter((each) => each.query !== 'empty'),
      RANGE,
      SERVICE_GRAPH,
    ).attempt();
    expect(passed)
      .to.include('traces / slow (A): TraceQL search through the datasource proxy')
      .and.include('traces / graph (A): service-graph series through the Prometheus datasource');
  });

  it("fails when Tempo's metrics generator has written no series", async () => {
    const prometheus = await start(
      serve((_request, response, body) =>
        sendJson(response, 200, {
          status: 'success',
          data: {
            resultType: 'vector',
            result: body.includes('span') ? [{ metric: {}, value: [0, '1'] }] : [],
          },
        }),
      ),
    );
    expect(await generatedMetricCheck('span metrics', prometheus.url, 'span_calls').attempt()).to.include(
      '1 series',
    );
    let message = '';
    await generatedMetricCheck('service graph', prometheus.url, 'graph_requests')
      .attempt()
      .catch((error: Error) => {
        message = error.message;
      });
    expect(message).to.include("graph_requests has no series (Tempo's metrics generator writes them)");
  });

  it('sends every dashboard target with its variables replaced, leaving out only the Kubernetes-only ones on request', () => {
    const all = dashboardPanelTargets({ includeKubernetes: true });
    const local = dashboardPanelTargets();
    expect(all).to.have.length(listPanelQueries().length);
    expect(local.length + kubernetesOnlyTargets().length).to.equal(all.length);
    expect(kubernetesOnlyTargets().every((label) => label.startsWith('menagerie-pods /'))).to.equal(true);
    for (const each of all) expect(each.query, each.label).to.not.match(/\$\w/);
    expect(local.some((each) => each.datasource.type === 'tempo')).to.equal(true);
  });
});
