import { spawnSync } from 'node:child_process';
import { COMMON_METRICS, EXEMPLAR_LABEL, SERVER_METRICS } from '@menagerie/contract';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import {
  createMetricSet,
  createRegistry,
  durationRecorder,
  EXEMPLAR_REFRESH_MS,
  GAUGES_NAMED_LIKE_COUNTERS,
  labelChildren,
  negotiateFormat,
  renderMetrics,
  SPAN_DROP_REASONS,
} from '../src/index.ts';

const build = { version: '1.2.3', revision: 'abc' };

describe('metrics', () => {
  it('registers each contract metric with its name, help, type, labels and buckets', async () => {
    const registry = new Registry();
    createMetricSet(registry, SERVER_METRICS, { exemplars: true });
    const json = await registry.getMetricsAsJSON();
    for (const definition of Object.values(SERVER_METRICS)) {
      const metric = registry.getSingleMetric(definition.name) as unknown as {
        labelNames: string[];
        upperBounds?: number[];
      };
      expect(metric, definition.name).to.exist;
      const exported = json.find((m) => m.name === definition.name);
      expect(exported?.help).to.equal(definition.help);
      expect(String(exported?.type)).to.equal(definition.type);
      expect(metric.labelNames).to.deep.equal([...definition.labels]);
      if ('buckets' in definition) expect(metric.upperBounds).to.deep.equal([...definition.buckets]);
    }
  });

  it('exposes build info and leaves out the default gauges promtool rejects', async () => {
    const { registry } = createRegistry(build);
    const text = await registry.metrics();
    expect(text).to.include(`${COMMON_METRICS.buildInfo.name}{version="1.2.3",revision="abc"} 1`);
    expect(text).to.include('nodejs_active_handles');
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) expect(text).not.to.include(`${name} `);
    expect(text).to.include('process_cpu_seconds_total');
  });

  it('exposes the dropped-spans counter at 0 for every reason before any span is dropped', async () => {
    const { registry } = createRegistry(build);
    const text = await registry.metrics();
    for (const reason of SPAN_DROP_REASONS) {
      expect(text).to.include(`${COMMON_METRICS.spansDropped.name}{reason="${reason}"} 0`);
    }
  });

  it('serves plain text that promtool check metrics accepts', async () => {
    const { registry } = createRegistry(build);
    const set = createMetricSet(registry, SERVER_METRICS, { exemplars: true });
    set.validationFailures.labels('legs', 'any.only').inc();
    durationRecorder(set.requestDuration, SERVER_METRICS.requestDuration.labels, true).observe(
      ['GET', '/animals', '200'],
      0.2,
      'a'.repeat(32),
    );
    const { body } = await renderMetrics(registry, 'text');
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(promtool.error, 'promtool must be installed (scripts/test.sh installs it)').to.equal(undefined);
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).to.equal('');
    expect(promtool.status).to.equal(0);
  });

  it('puts trace-id exemplars in OpenMetrics and keeps counter names intact for later text scrapes', async () => {
    const { registry } = createRegistry(build);
    const set = createMetricSet(registry, SERVER_METRICS, { exemplars: true });
    set.storeRejections.inc();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    durationRecorder(set.requestDuration, SERVER_METRICS.requestDuration.labels, true).observe(
      ['POST', '/animals', '201'],
      0.03,
      traceId,
    );

    const om = await renderMetrics(registry, 'openmetrics');
    expect(om.contentType).to.match(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(om.body.endsWith('# EOF\n')).to.equal(true);
    expect(om.body).to.include('# TYPE menagerie_store_rejections counter');
    expect(om.body).to.include('menagerie_store_rejections_total 1');
    const bucket = om.body
      .split('\n')
      .find((l) => l.startsWith('menagerie_http_server_request_duration_seconds_bucket{le="0.05"'));
    expect(bucket).to.match(new RegExp(`# \\{${EXEMPLAR_LABEL.traceId}="${traceId}"\\} 0\\.03 \\d+`));

    const text = await renderMetrics(registry, 'text');
    expect(text.contentType).to.match(/^text\/plain; version=0\.0\.4/);
    expect(text.body).to.include('# TYPE menagerie_store_rejections_total counter');
    expect(text.body).to.include('menagerie_store_rejections_total 1');
    expect(text.body).not.to.include(traceId);
  });

  it('replaces a bucket exemplar at most once per refresh period, and gives every bucket its first one', async () => {
    const { registry } = createRegistry(build);
    const set = createMetricSet(registry, SERVER_METRICS, { exemplars: true });
    let clock = 0;
    const recorder = durationRecorder(
      set.requestDuration,
      SERVER_METRICS.requestDuration.labels,
      true,
      () => clock,
    );
    const labels = ['POST', '/animals', '201'];
    const exemplarOf = async (le: string) => {
      const om = (await renderMetrics(registry, 'openmetrics')).body;
      const line = om
        .split('\n')
        .find((l) => l.includes('_request_duration_seconds_bucket{') && l.includes(`le="${le}"`));
      return /trace_id="([0-9a-f]+)"/.exec(line ?? '')?.[1];
    };
    const id = (n: number) => n.toString(16).padStart(32, '0');
    recorder.observe(labels, 0.003, id(1));
    clock += EXEMPLAR_REFRESH_MS / 2;
    recorder.observe(labels, 0.004, id(2));
    recorder.observe(labels, 2, id(3));
    expect(await exemplarOf('0.005'), 'kept within the refresh period').to.equal(id(1));
    expect(await exemplarOf('2.5'), 'a bucket of its own gets its first exemplar').to.equal(id(3));
    clock += EXEMPLAR_REFRESH_MS;
    recorder.observe(labels, 0.004, id(4));
    expect(await exemplarOf('0.005'), 'replaced after the refresh period').to.equal(id(4));
    const count = (await renderMetrics(registry, 'text')).body
      .split('\n')
      .find((l) => l.startsWith(`${SERVER_METRICS.requestDuration.name}_count{`));
    expect(count?.endsWith(' 4'), 'every observation counted').to.equal(true);
  });

  it('chooses OpenMetrics only when the scraper asks for it', () => {
    expect(negotiateFormat(undefined)).to.equal('text');
    expect(negotiateFormat('text/plain;version=0.0.4;q=0.5,*/*;q=0.1')).to.equal('text');
    expect(
      negotiateFormat(
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75',
      ),
    ).to.equal('openmetrics');
  });

  it('creates one label child per label combination', () => {
    let created = 0;
    const child = labelChildren((a, b) => {
      created++;
      return `${a}/${b}`;
    });
    expect(child('x', 'y')).to.equal('x/y');
    child('x', 'y');
    child('x', 'z');
    expect(created).to.equal(2);
  });
});
