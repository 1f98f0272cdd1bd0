import { spawnSync } from 'node:child_process';
import {
  EXEMPLAR_LABEL,
  LOG_FIELD,
  PATHS,
  ROUTE,
  SERVER,
  SERVER_METRICS,
  SPAN_ATTRIBUTE,
} from '@menagerie/contract';
import { NO_SIGNALS, type TelemetrySignals } from '@menagerie/settings';
import { startOtlpReceiver } from '@menagerie/test-support';
import { expect } from 'chai';
import { postJson, send, startTestServer } from './helpers.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentSpanId = '00f067aa0ba902b7';
const traceparent = `00-${traceId}-${parentSpanId}-01`;

describe('server observability', () => {
  it('serves /metrics that promtool check metrics accepts after mixed traffic', async () => {
    const server = await startTestServer();
    try {
      await postJson(server.url, { name: 'Rex', species: 'dog', legs: 4 });
      await postJson(server.url, { name: 'Rex', species: 'dog', legs: 3 });
      await postJson(server.url, '{oops');
      await send(server.url, { path: '/nowhere', method: 'PROPFIND' });
      const reply = await send(server.url, { path: PATHS.metrics });
      expect(reply.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
      const promtool = spawnSync('promtool', ['check', 'metrics'], { input: reply.text, encoding: 'utf8' });
      expect(promtool.error, 'promtool must be installed (scripts/test.sh installs it)').to.equal(undefined);
      expect(`${promtool.stdout}${promtool.stderr}`.trim()).to.equal('');
      expect(promtool.status).to.equal(0);
      for (const definition of Object.values(SERVER_METRICS)) {
        expect(reply.text, definition.name).to.include(`# TYPE ${definition.name} ${definition.type}`);
      }
      expect(reply.text).to.include('menagerie_build_info{version="9.9.9",revision="test"} 1');
    } finally {
      await server.close();
    }
  });

  it('exports one server span per request, child spans, and logs carrying its ids', async () => {
    const receiver = await startOtlpReceiver();
    const server = await startTestServer({}, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
    let logs: Record<string, unknown>[] = [];
    let openMetrics = '';
    try {
      const started = server.logs.find((l) => String(l.msg).includes('listening'));
      expect(started?.traces).to.equal(`otlp http/protobuf to ${receiver.endpoint}/v1/traces`);
      expect(started?.port).to.equal(server.port);

      expect(
        (await postJson(server.url, { name: 'Rex', species: 'dog', legs: 4 }, { traceparent })).status,
      ).to.equal(201);
      expect((await postJson(server.url, { name: 'Rex', species: 'dog', legs: 5 })).status).to.equal(400);
      openMetrics = (
        await send(server.url, {
          path: PATHS.metrics,
          headers: { accept: 'application/openmetrics-text; version=1.0.0' },
        })
      ).text;
    } finally {
      await server.close();
      logs = server.logs;
      await receiver.close();
    }
    const spans = receiver.spans;
    const root = spans.find((s) => s.traceId === traceId && s.kind === 2);
    expect(root, 'server span of the traced request').to.exist;
    expect(root).to.include({
      name: `POST ${ROUTE.animals}`,
      parentSpanId,
      serviceName: SERVER.name,
      statusCode: 0,
    });
    expect(root?.attributes).to.include({
      'http.request.method': 'POST',
      'http.route': ROUTE.animals,
      'http.response.status_code': 201,
      [SPAN_ATTRIBUTE.species]: 'dog',
    });
    const children = spans.filter((s) => s.parentSpanId === root?.spanId).map((s) => s.name);
    expect(children).to.have.members(['validate animal', 'store animal']);

    const invalid = spans.find((s) => s.kind === 2 && s.attributes['http.response.status_code'] === 400);
    const validation = spans.find((s) => s.parentSpanId === invalid?.spanId && s.name === 'validate animal');
    expect(validation?.statusCode).to.equal(2);

    const requestLine = logs.find((l) => l.msg === 'request' && l[LOG_FIELD.statusCode] === 201);
    expect(requestLine).to.include({
      [LOG_FIELD.traceId]: traceId,
      [LOG_FIELD.spanId]: root?.spanId,
      [LOG_FIELD.method]: 'POST',
      [LOG_FIELD.route]: ROUTE.animals,
      [LOG_FIELD.service]: SERVER.name,
    });
    expect(requestLine?.[LOG_FIELD.durationMs]).to.be.a('number');
    const warn = logs.find((l) => l.msg === 'animal rejected by validation');
    expect(warn?.[LOG_FIELD.traceId]).to.equal(invalid?.traceId);
    expect(warn?.issues).to.deep.equal(['legs:legs.species']);

    expect(openMetrics.endsWith('# EOF\n')).to.equal(true);
    expect(openMetrics).to.match(
      new RegExp(
        `${SERVER_METRICS.requestDuration.name}_bucket\\{[^}]*status_code="201"[^}]*\\} 1 # \\{${EXEMPLAR_LABEL.traceId}="${traceId}"\\}`,
      ),
    );
    expect(openMetrics).to.match(
      new RegExp(`${SERVER_METRICS.animalDuration.name}_bucket\\{[^}]*\\} 1 # \\{trace_id="${traceId}"\\}`),
    );
  });

  it('does no telemetry work with TELEMETRY=off: no /metrics, no spans, no request lines', async () => {
    const receiver = await startOtlpReceiver();
    const server = await startTestServer(
      { telemetry: NO_SIGNALS },
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } },
    );
    try {
      expect(
        (await postJson(server.url, { name: 'Rex', species: 'dog', legs: 4 }, { traceparent })).status,
      ).to.equal(201);
      expect((await postJson(server.url, { name: 'Rex', species: 'dog', legs: 3 })).status).to.equal(400);
      const metrics = await send(server.url, { path: PATHS.metrics });
      expect(metrics.status).to.equal(404);
      expect((metrics.json as { error: { code: string } }).error.code).to.equal('not_found');
    } finally {
      await server.close();
      await receiver.close();
    }
    expect(receiver.requests).to.equal(0);
    const messages = server.logs.map((l) => l.msg);
    expect(messages).not.to.include('request');
    expect(messages).not.to.include('animal rejected by validation');
    expect(server.logs[0]?.traces).to.equal('off (TELEMETRY=off)');
  });

  it('produces only the signals TELEMETRY lists', async () => {
    const run = async (telemetry: TelemetrySignals) => {
      const receiver = await startOtlpReceiver();
      const server = await startTestServer(
        { telemetry },
        { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } },
      );
      let metricsStatus = 0;
      try {
        await postJson(server.url, { name: 'Rex', species: 'dog', legs: 4 }, { traceparent });
        await postJson(server.url, { name: 'Rex', species: 'dog', legs: 3 });
        metricsStatus = (await send(server.url, { path: PATHS.metrics })).status;
      } finally {
        await server.close();
        await receiver.close();
      }
      const requestLines = server.logs.filter(
        (l) => l.msg === 'request' && l[LOG_FIELD.route] === ROUTE.animals,
      );
      return {
        metricsStatus,
        spans: receiver.spans.length,
        requestLines: requestLines.length,
        warnings: server.logs.filter((l) => l.msg === 'animal rejected by validation').length,
        traced: requestLines.filter((l) => l[LOG_FIELD.traceId] === traceId).length,
        started: server.logs[0]?.telemetry,
      };
    };
    const metricsOnly = await run({ metrics: true, traces: false, logs: false });
    expect(metricsOnly).to.deep.equal({
      metricsStatus: 200,
      spans: 0,
      requestLines: 0,
      warnings: 0,
      traced: 0,
      started: 'metrics',
    });
    const tracesAndLogs = await run({ metrics: false, traces: true, logs: true });
    expect(tracesAndLogs).to.deep.include({
      metricsStatus: 404,
      requestLines: 2,
      warnings: 1,
      traced: 1,
      started: 'traces,logs',
    });
    expect(tracesAndLogs.spans).to.be.at.least(2);
  });
});
