import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  ALERT,
  AUTOSCALING_METRIC,
  CLIENT,
  CLUSTER_ONLY_METRIC,
  EXEMPLAR_LABEL,
  LOG_FIELD,
  NAMESPACE,
  PATHS,
  SERVER,
  SERVER_METRICS,
  SEVERITY,
  STANDARD_METRIC,
  TARGET_LABEL,
} from '@menagerie/contract';
import { ALL_VALUE, prometheusAdapterConfig, RECEIVER } from '@menagerie/monitoring';
import {
  CLUSTER_ONLY_METRIC_NAMES,
  DEFAULT_SUBSTITUTIONS,
  listPanelQueries,
  listRules,
  listVariableQueries,
  type PanelQuery,
  STANDARD_METRIC_NAMES,
  selectedMetricNames,
  substituteVariables,
} from '@menagerie/monitoring/inspect';
import { type OtlpReceiver, startOtlpReceiver } from '@menagerie/test-support';
import { expect } from 'chai';
import { type AlertmanagerAlert, type QueryResult, waitUntil } from '../src/http-apis.ts';
import type { Rhythm } from '../src/settings.ts';
import { type LocalStack, parseLogLine, startLocalStack } from '../src/stack.ts';
import { clientPod, prometheusPod, serviceMonitorLabels } from '../src/target-labels.ts';
import { type AlloyBlock, blocksNamed, parseAlloy } from './support/alloy-config.ts';
import { alloyConfig, lokiDerivedFields, promtailStages } from './support/chart.ts';
import { criLine, runPipeline, type Stage } from './support/log-pipeline.ts';
import { analyseLogql, satisfies } from './support/logql.ts';
import { freeStackPorts } from './support/ports.ts';
import { publicLabels, type RelabelRule, relabel } from './support/relabel.ts';

/**
 * The live check: the real server, client, Prometheus, Alertmanager and
 * blackbox exporter, configured as the local stack configures them, with a
 * 1 s scrape and evaluation interval; the chart's rules and Alertmanager
 * configuration unchanged. The tests below run in order, as one story:
 * a healthy release, then a rollout of the bad release.
 */

const LIVE_RHYTHM: Rhythm = { scrapeInterval: '1s', evaluationInterval: '1s' };
/** Requests per second: enough for every panel within seconds, light on two shared cores. */
const RATE = 50;
/**
 * Right after start the rules see a handful of requests, so one slow or
 * failed request can move a ratio over a threshold, and the target-missing
 * alert can evaluate before the first scrape. The healthy release is judged
 * after this warm-up.
 */
const WARM_UP_S = 30;
const HEALTHY_S = 50;
const HEALTHY = { version: '1.0.0' };
const BAD = {
  version: '1.0.1-bad',
  behaviourProfile: fileURLToPath(
    new URL('../profiles/bad-release-errors.yaml', import.meta.resolve('@menagerie/server')),
  ),
};
const AVAILABILITY_ALERTS = [ALERT.availabilityFastBurn, ALERT.availabilitySlowBurn] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now() / 1000;

/** Whether a query result holds at least one finite sample. */
function hasData(result: QueryResult): boolean {
  const finite = (v: string) => Number.isFinite(Number(v));
  switch (result.resultType) {
    case 'vector':
      return result.result.some((s) => finite(s.value[1]));
    case 'matrix':
      return result.result.some((s) => s.values.some(([, v]) => finite(v)));
    default:
      return finite(result.result[1]);
  }
}

/** The label sets of a query's series. */
const seriesOf = (result: QueryResult): Record<string, string>[] =>
  result.resultType === 'matrix' || result.resultType === 'vector' ? result.result.map((s) => s.metric) : [];

const CLUSTER_ONLY: ReadonlySet<string> = CLUSTER_ONLY_METRIC_NAMES;
const STANDARD: ReadonlySet<string> = STANDARD_METRIC_NAMES;

/** Metric names in a Prometheus text or OpenMetrics exposition. */
const exposedNames = (text: string): Set<string> =>
  new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''),
  );

describe('live check: dashboards, rules and logs against the real services and a real Prometheus', function () {
  this.timeout(240_000);
  let stack: LocalStack;
  let receiver: OtlpReceiver;
  let dir: string;
  let startedAt: number;
  let healthyUntil = 0;
  let switchedAt = 0;
  const output: string[] = [];
  const serverLines: { pod: string; raw: string }[] = [];

  before(async function () {
    this.timeout(90_000);
    receiver = await startOtlpReceiver();
    dir = mkdtempSync(join(tmpdir(), 'menagerie-live-'));
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output.push(chunk.toString('utf8'));
        if (output.length > 2000) output.splice(0, 1000);
        done();
      },
    });
    stack = await startLocalStack({
      ports: await freeStackPorts(),
      dir,
      rhythm: LIVE_RHYTHM,
      out,
      otlpEndpoint: receiver.endpoint,
      release: HEALTHY,
      clientEnv: { RATE: String(RATE) },
      onServerLine: (raw, pod) => serverLines.push({ pod, raw }),
    });
    startedAt = now();
    void stack.failed.then((reason) => output.push(`STACK FAILED: ${reason}\n`));
  });

  after(async function () {
    this.timeout(60_000);
    if (this.currentTest?.state === 'failed' || process.env.LIVE_CHECK_OUTPUT) {
      console.log(output.join('').split('\n').slice(-80).join('\n'));
    }
    await stack?.stop();
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes each process with the target labels a ServiceMonitor (or the Probe) gives it in the cluster', async () => {
    const targets = await stack.prometheus.targets();
    const byJob = new Map(targets.map((t) => [t.labels[TARGET_LABEL.job], t.labels]));
    expect([...byJob.keys()].sort()).to.deep.equal(
      [SERVER.name, CLIENT.name, prometheusPod.service, 'menagerie-blackbox'].sort(),
    );
    const withoutInstance = (labels: Record<string, string> | undefined) => {
      const { [TARGET_LABEL.instance]: instance, ...rest } = labels ?? {};
      expect(instance, 'instance').to.be.a('string').and.not.equal('');
      return rest;
    };
    expect(withoutInstance(byJob.get(SERVER.name))).to.deep.equal({
      ...serviceMonitorLabels(stack.serverPod),
      [TARGET_LABEL.job]: SERVER.name,
    });
    expect(withoutInstance(byJob.get(CLIENT.name))).to.deep.equal({
      ...serviceMonitorLabels(clientPod),
      [TARGET_LABEL.job]: CLIENT.name,
    });
    for (const labels of byJob.values()) {
      expect(labels[TARGET_LABEL.namespace]).to.equal(NAMESPACE);
    }
    expect(byJob.get('menagerie-blackbox')?.[TARGET_LABEL.instance]).to.equal(stack.urls.probe);
    expect(targets.every((t) => t.health === 'up')).to.equal(true);
  });

  it('fires nothing and leaves nothing pending on the healthy release', async () => {
    const wait = startedAt + HEALTHY_S - now();
    if (wait > 0) await sleep(wait * 1000);
    healthyUntil = now();
    expect(await stack.prometheus.alerts(), 'alerts now').to.deep.equal([]);
    const since = await stack.prometheus.queryRange('ALERTS', startedAt + WARM_UP_S, healthyUntil, 1);
    expect(seriesOf(since), `alerts pending or firing after the ${WARM_UP_S}s warm-up`).to.deep.equal([]);
    expect(await stack.alertmanager.alerts()).to.deep.equal([]);
  });

  it('evaluates every Prometheus panel and variable query of every dashboard, each with data', async () => {
    const end = now();
    const range = `${Math.floor(end - startedAt)}s`;
    const values = {
      ...DEFAULT_SUBSTITUTIONS,
      __rate_interval: '10s',
      __interval: '5s',
      __auto: '10s',
      __range: range,
    };
    const panels = listPanelQueries().filter((q) => q.datasource.type === 'prometheus');
    const skipped: PanelQuery[] = [];
    const empty: string[] = [];
    let evaluated = 0;
    for (const panel of panels) {
      if (panel.clusterOnly) {
        skipped.push(panel);
        continue;
      }
      const expr = substituteVariables(panel.query, values);
      const result = panel.instant
        ? await stack.prometheus.query(expr, end)
        : await stack.prometheus.queryRange(expr, startedAt + 5, end, 2);
      evaluated++;
      if (!hasData(result))
        empty.push(`${panel.dashboardUid} / ${panel.panelTitle} (${panel.refId}): ${expr}`);
    }
    const sourceOf = new Map<string, string>(
      Object.values(CLUSTER_ONLY_METRIC).map((m) => [m.name, m.source]),
    );
    console.log(`      ${evaluated} Prometheus panel queries evaluated with data; skipped (cluster-only):`);
    for (const panel of skipped) {
      const needs = [...new Set(panel.metrics.filter((m) => CLUSTER_ONLY.has(m)))];
      console.log(
        `        - ${panel.dashboardUid} / ${panel.panelTitle} (${panel.refId}): needs ${needs
          .map((m) => `${m} from ${sourceOf.get(m)}`)
          .join(', ')}`,
      );
    }
    expect(empty, 'panels without data').to.deep.equal([]);
    // Only panels over cluster-only metrics are skipped, and every one names what it needs.
    expect(skipped.every((p) => p.metrics.some((m) => CLUSTER_ONLY.has(m)))).to.equal(true);
    expect(evaluated).to.be.greaterThan(50);

    const expected: Record<string, string[]> = {
      [TARGET_LABEL.namespace]: [NAMESPACE],
      [TARGET_LABEL.service]: [CLIENT.name, SERVER.name],
      [TARGET_LABEL.pod]: [clientPod.pod, stack.serverPod.pod],
    };
    const variables = listVariableQueries();
    expect(variables).to.not.be.empty;
    for (const variable of variables) {
      const series = substituteVariables(variable.series, { [variable.name]: ALL_VALUE, ...values });
      const found = await stack.prometheus.labelValues(variable.label, series);
      expect(found, `${variable.dashboardUid} $${variable.name}`).to.include.members(
        expected[variable.label] ?? ['(no expectation)'],
      );
    }
  });

  it('stores exemplars on the latency histogram whose trace ids are spans the server exported', async () => {
    const selector = `${SERVER_METRICS.requestDuration.name}_bucket{${TARGET_LABEL.job}="${SERVER.name}"}`;
    const series = await stack.prometheus.exemplars(selector, startedAt, now());
    const traceIds = new Set(
      series.flatMap((s) => s.exemplars.map((e) => e.labels[EXEMPLAR_LABEL.traceId] ?? '')),
    );
    expect(traceIds.size, 'exemplars with a trace id').to.be.greaterThan(10);
    for (const id of traceIds) expect(id).to.match(/^[0-9a-f]{32}$/);
    const exported = await receiver.waitFor(
      (spans) =>
        [...traceIds].every((id) => spans.some((s) => s.traceId === id && s.serviceName === SERVER.name)),
      15_000,
    );
    const serverSpanTraces = new Set(
      exported.filter((s) => s.serviceName === SERVER.name && s.kind === 2).map((s) => s.traceId),
    );
    expect([...traceIds].filter((id) => !serverSpanTraces.has(id))).to.deep.equal([]);
  });

  it('finds every metric a dashboard or rule uses in a real scrape of the services', async () => {
    const recorded = new Set(
      listRules()
        .filter((r) => r.kind === 'record')
        .map((r) => r.name),
    );
    const used = new Set<string>();
    for (const panel of listPanelQueries()) for (const name of panel.metrics) used.add(name);
    for (const v of listVariableQueries())
      for (const name of selectedMetricNames(v.series)) used.add(String(name));
    for (const rule of listRules())
      for (const name of selectedMetricNames(rule.rule.expr)) used.add(String(name));
    // The series prometheus-adapter turns into the metric the server's HPA scales on.
    for (const rule of prometheusAdapterConfig().rules)
      for (const name of selectedMetricNames(rule.seriesQuery)) used.add(String(name));
    const ours = [...used].filter(
      (name) => !recorded.has(name) && !STANDARD.has(name) && !CLUSTER_ONLY.has(name),
    );
    const scrape = async (url: string) =>
      (await fetch(url, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } })).text();
    const exposed = new Set([
      ...exposedNames(await scrape(stack.urls.serverMetrics)),
      ...exposedNames(await scrape(stack.urls.clientMetrics)),
    ]);
    expect(ours).to.include(`${SERVER_METRICS.requestDuration.name}_bucket`);
    expect(ours).to.include(AUTOSCALING_METRIC.requestsPerSecond.series);
    expect(
      ours.filter((name) => !exposed.has(name)),
      'used but not exposed',
    ).to.deep.equal([]);

    // Recorded series and the standard metrics (bar ALERTS, which only exists while an alert is active) are stored.
    const stored = new Set(await stack.prometheus.metricNames());
    const standard = Object.values(STANDARD_METRIC)
      .map((m) => m.name)
      .filter((name) => name !== STANDARD_METRIC.alerts.name);
    expect(
      [...recorded, ...standard].filter((name) => !stored.has(name)),
      'not stored',
    ).to.deep.equal([]);
    expect((await fetch(`${stack.urls.prometheus}${PATHS.metrics}`)).ok).to.equal(true);
  });

  it('rolls out the bad release: the availability burn-rate alerts fire and reach Alertmanager, nothing else', async function () {
    this.timeout(180_000);
    switchedAt = now();
    await stack.rollOut(BAD);
    expect(stack.serverPod.pod).to.not.equal(`${SERVER.name}-local-0`);
    const delivered = await waitUntil(
      'both availability burn-rate alerts firing and in Alertmanager',
      async () => {
        const firing = (await stack.prometheus.alerts()).filter((a) => a.state === 'firing');
        const names = new Set(firing.map((a) => a.labels.alertname));
        if (!AVAILABILITY_ALERTS.every((name) => names.has(name))) return undefined;
        const inAlertmanager = await stack.alertmanager.alerts();
        const received = new Set(inAlertmanager.map((a) => a.labels.alertname));
        return AVAILABILITY_ALERTS.every((name) => received.has(name)) ? inAlertmanager : undefined;
      },
      150_000,
      1000,
    );
    const firedAfter = now() - switchedAt;
    console.log(
      `      availability burn-rate alerts firing and delivered ${firedAfter.toFixed(0)}s after the rollout`,
    );

    const byName = (name: string): AlertmanagerAlert | undefined =>
      delivered.find((a) => a.labels.alertname === name);
    const page = byName(ALERT.availabilityFastBurn);
    const ticket = byName(ALERT.availabilitySlowBurn);
    expect(page?.labels).to.include({ severity: SEVERITY.page, slo: 'availability', service: SERVER.name });
    expect(page?.annotations.runbook_url).to.match(new RegExp(`/${ALERT.availabilityFastBurn}\\.md$`));
    expect(page?.status.state).to.equal('active');
    // Routed to the receiver without integrations: the paging route needs a label the local Prometheus never adds.
    expect(page?.receivers.map((r) => r.name)).to.deep.equal([RECEIVER.page]);
    // The page inhibits the ticket for the same SLO.
    expect(ticket?.status.state).to.equal('suppressed');
    expect(ticket?.status.inhibitedBy).to.not.be.empty;
    expect(delivered.map((a) => a.labels.alertname).sort()).to.deep.equal([...AVAILABILITY_ALERTS].sort());

    const others = await stack.prometheus.queryRange(
      `ALERTS{alertname!~"${AVAILABILITY_ALERTS.join('|')}"}`,
      startedAt + WARM_UP_S,
      now(),
      1,
    );
    expect(seriesOf(others), 'other alerts pending or firing since the warm-up').to.deep.equal([]);
  });

  describe('logs and links, on the real log lines of both releases', () => {
    const lines = () =>
      serverLines.map(({ pod, raw }) => ({ pod, raw, json: parseLogLine(raw) as Record<string, unknown> }));
    const collectorLabels = new Map<string, Record<string, string>>();
    /** The stream labels of a server pod's lines: the Alloy config's relabel rules over the pod's metadata. */
    const podLabels = (pod: string): Record<string, string> => {
      const cached = collectorLabels.get(pod);
      if (cached) return cached;
      const meta = {
        __meta_kubernetes_namespace: NAMESPACE,
        __meta_kubernetes_pod_name: pod,
        __meta_kubernetes_pod_container_name: SERVER.container,
        __meta_kubernetes_pod_label_app_kubernetes_io_name: SERVER.name,
        __meta_kubernetes_pod_node_name: 'menagerie-worker',
      };
      const relabelBlock = blocksNamed(parseAlloy(alloyConfig()), 'discovery.relabel')[0];
      const rules = (relabelBlock?.blocks ?? [])
        .filter((b) => b.name === 'rule')
        .map((b) => b.attributes as unknown as RelabelRule);
      const labels = publicLabels(relabel(meta, rules));
      collectorLabels.set(pod, labels);
      return labels;
    };
    /** Alloy's loki.process stages, in promtail's stage format. */
    const alloyStages = (): Stage[] => {
      const toStage = (block: AlloyBlock): Stage => {
        const kind = block.name.replace(/^stage\./, '');
        if (kind === 'match') {
          return { match: { selector: block.attributes.selector, stages: block.blocks.map(toStage) } };
        }
        if (kind === 'json') return { json: { expressions: block.attributes.expressions } };
        return { [kind]: block.attributes.values };
      };
      const process = blocksNamed(parseAlloy(alloyConfig()), 'loki.process')[0];
      return (process?.blocks ?? []).filter((b) => b.name.startsWith('stage.')).map(toStage);
    };

    it('has real lines to check: requests, validation warnings and injected-fault errors, from two pods', () => {
      const all = lines();
      expect(all.filter((l) => l.json?.[LOG_FIELD.message] === 'request').length).to.be.greaterThan(500);
      expect(all.some((l) => l.json?.[LOG_FIELD.level] === 'warn')).to.equal(true);
      expect(all.some((l) => l.json?.[LOG_FIELD.level] === 'error')).to.equal(true);
      expect(new Set(all.map((l) => l.pod)).size).to.equal(2);
    });

    it("extracts, with the chart's Loki derived field, the trace id of exported spans from every line that has one", async () => {
      const fields = await lokiDerivedFields();
      const traceField = fields.find((f) => f.name === LOG_FIELD.traceId);
      expect(traceField, 'derived field trace_id').to.not.equal(undefined);
      const regex = new RegExp(traceField?.matcherRegex ?? '$^');
      const extracted = new Set<string>();
      for (const { raw, json } of lines()) {
        const found = regex.exec(raw)?.[1];
        expect(found, raw).to.equal(json[LOG_FIELD.traceId]);
        if (found) extracted.add(found);
      }
      expect(extracted.size).to.be.greaterThan(500);
      // Child spans may reach the receiver a batch before their parent: wait for both ids of every line.
      const spanIds = new Set(
        lines()
          .map((l) => String(l.json[LOG_FIELD.spanId] ?? ''))
          .filter(Boolean),
      );
      const missingIds = () => {
        const traces = new Set(receiver.spans.map((s) => s.traceId));
        const spans = new Set(receiver.spans.map((s) => s.spanId));
        return [
          ...[...extracted].filter((id) => !traces.has(id)),
          ...[...spanIds].filter((id) => !spans.has(id)),
        ];
      };
      await receiver.waitFor(() => missingIds().length === 0, 15_000).catch(() => {});
      expect(missingIds(), 'trace and span ids of log lines that no exported span has').to.deep.equal([]);
    });

    it('parses the lines into the same level label and trace_id metadata with promtail and with Alloy', () => {
      const promtail = promtailStages();
      const alloy = alloyStages();
      expect(alloy.length).to.be.greaterThan(0);
      let withTrace = 0;
      for (const { pod, raw, json } of lines()) {
        const labels = podLabels(pod);
        const time = String(json[LOG_FIELD.time]);
        const viaPromtail = runPipeline(promtail, labels, criLine(time, raw));
        const viaAlloy = runPipeline(alloy, labels, raw);
        expect(viaPromtail.line, 'the cri stage leaves the JSON line').to.equal(raw);
        expect(viaPromtail.labels[LOG_FIELD.level], raw).to.equal(json[LOG_FIELD.level]);
        expect(viaPromtail.structuredMetadata[LOG_FIELD.traceId], raw).to.equal(json[LOG_FIELD.traceId]);
        const { stream: _stream, ...promtailLabels } = viaPromtail.labels;
        expect(viaAlloy.labels).to.deep.equal(promtailLabels);
        expect(viaAlloy.structuredMetadata).to.deep.equal(viaPromtail.structuredMetadata);
        if (json[LOG_FIELD.traceId]) withTrace++;
      }
      expect(withTrace).to.be.greaterThan(500);
    });

    it('finds real lines for every LogQL query of the logs dashboard, with only labels and fields they carry', () => {
      const promtail = promtailStages();
      const entries = lines().map(({ pod, raw, json }) => {
        const entry = runPipeline(promtail, podLabels(pod), criLine(String(json[LOG_FIELD.time]), raw));
        // `| json` adds every top-level scalar field as a label (arrays and objects are skipped).
        const parsed = Object.fromEntries(
          Object.entries(json).filter(([, v]) => v === null || typeof v !== 'object'),
        );
        return { labels: entry.labels, fields: { ...parsed, ...entry.labels } };
      });
      const values = { ...DEFAULT_SUBSTITUTIONS, __auto: '1m' };
      const queries = listPanelQueries().filter((q) => q.datasource.type === 'loki');
      expect(queries.length).to.be.greaterThan(3);
      const problems: string[] = [];
      for (const query of queries) {
        const shape = analyseLogql(substituteVariables(query.query, values));
        const matching = entries.filter(
          (e) =>
            shape.selector.every((m) => satisfies(e.labels[m.label], m)) &&
            shape.filters.every((m) => satisfies(e.fields[m.label], m)),
        );
        const title = `${query.dashboardUid} / ${query.panelTitle}`;
        const known = new Set(
          matching.flatMap((e) => Object.keys(shape.parsers.length ? e.fields : e.labels)),
        );
        if (matching.length === 0) problems.push(`${title}: no real line matches`);
        for (const label of [...shape.filters.map((f) => f.label), ...shape.groupBy]) {
          if (!known.has(label)) problems.push(`${title}: no matching line carries ${label}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });
  });
});
