import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUTOSCALING_METRIC,
  NAMESPACE,
  OUTPUT_DIR,
  RESOURCE_METRIC_SOURCE,
  ROUTE,
  SERVER,
} from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { prometheusAdapterConfig, requestsPerSecondRule, substituteAdapterQuery } from '../src/index.ts';
import { promqlSyntaxErrors, selectedMetricNames } from '../src/inspect/index.ts';

const { requestsPerSecond } = AUTOSCALING_METRIC;
const config = prometheusAdapterConfig();

/**
 * Evaluates PromQL over input series with `promtool test rules`: each case
 * is an expression, the time to evaluate it at and the samples it must give.
 */
function promtoolEvaluates(
  inputSeries: { series: string; values: string }[],
  cases: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[],
): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'menagerie-adapter-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), 'groups: []\n');
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '15s',
      tests: [{ interval: '15s', input_series: inputSeries, promql_expr_test: cases }],
    };
    writeFileSync(join(dir, 'test.yaml'), stringify(test, { lineWidth: 0 }));
    const result = spawnSync('promtool', ['test', 'rules', join(dir, 'test.yaml')], { encoding: 'utf8' });
    if (result.error)
      throw new Error(`promtool is not on PATH: scripts/test.sh installs it (${result.error})`);
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A counter's values at the 15 s input interval for `perSecond`, over 5 minutes. */
const growing = (perSecond: number) => `0+${perSecond * 15}x20`;

describe("prometheus-adapter's configuration", () => {
  it('is committed as the generator writes it, as plain adapter config', () => {
    const committed = parse(
      readFileSync(join(REPOSITORY_ROOT, OUTPUT_DIR.prometheusAdapter, 'config.yaml'), 'utf8'),
    );
    expect(committed).to.deep.equal(JSON.parse(JSON.stringify(config)));
    expect(Object.keys(committed)).to.have.members(['rules', 'resourceRules']);
  });

  it("serves the contract's metric name from the server's request histogram, and only from it", () => {
    const [rule] = config.rules;
    expect(config.rules).to.have.length(1);
    expect(rule?.name.as).to.equal(requestsPerSecond.name);
    // The adapter names a series by the regex; it must take the histogram's count and nothing else.
    const matches = new RegExp(rule?.name.matches ?? '$^');
    expect(matches.test(requestsPerSecond.series)).to.equal(true);
    expect(matches.test(`${requestsPerSecond.series}_total`)).to.equal(false);
    expect(matches.test(requestsPerSecond.series.replace('_count', '_bucket'))).to.equal(false);
    expect(selectedMetricNames(rule?.seriesQuery ?? '')).to.deep.equal([requestsPerSecond.series]);
    expect(rule?.resources.overrides).to.deep.equal({
      namespace: { resource: 'namespace' },
      pod: { resource: 'pod' },
    });
  });

  it('sends Prometheus valid PromQL once the adapter fills its templates in', () => {
    const fill = { series: requestsPerSecond.series, namespace: NAMESPACE, pods: ['a', 'b.c'] };
    const query = substituteAdapterQuery(requestsPerSecondRule.metricsQuery, fill);
    expect(query).to.not.include('<<');
    expect(promqlSyntaxErrors(query)).to.deep.equal([]);
    expect(selectedMetricNames(query)).to.deep.equal([requestsPerSecond.series]);
    expect(query).to.include(`[${requestsPerSecond.window}]`);
    for (const rule of [config.resourceRules.cpu, config.resourceRules.memory]) {
      for (const template of [rule.containerQuery, rule.nodeQuery]) {
        const filled = substituteAdapterQuery(template, { ...fill, series: 'ignored' });
        expect(promqlSyntaxErrors(filled), template).to.deep.equal([]);
      }
    }
    const cpu = substituteAdapterQuery(config.resourceRules.cpu.containerQuery, fill);
    expect(selectedMetricNames(cpu)).to.deep.equal([RESOURCE_METRIC_SOURCE.cpu.name]);
  });

  it('computes API requests per second for each pod, leaving out scrapes, probes and other namespaces', () => {
    const query = substituteAdapterQuery(requestsPerSecondRule.metricsQuery, {
      series: requestsPerSecond.series,
      namespace: NAMESPACE,
      pods: ['server-a', 'server-b'],
    });
    const series = (pod: string, route: string, status: string, namespace = NAMESPACE) =>
      `${requestsPerSecond.series}{job="${SERVER.name}", namespace="${namespace}", pod="${pod}", route="${route}", method="GET", status_code="${status}"}`;
    const run = promtoolEvaluates(
      [
        { series: series('server-a', ROUTE.animals, '201'), values: growing(6) },
        { series: series('server-a', ROUTE.animal, '404'), values: growing(4) },
        { series: series('server-a', '/metrics', '200'), values: growing(50) },
        { series: series('server-b', ROUTE.animals, '400'), values: growing(30) },
        { series: series('server-b', '/readyz', '200'), values: growing(7) },
        { series: series('server-a', ROUTE.animals, '201', 'elsewhere'), values: growing(99) },
      ],
      [
        {
          expr: query,
          eval_time: '4m',
          exp_samples: [
            { labels: '{pod="server-a"}', value: 10 },
            { labels: '{pod="server-b"}', value: 30 },
          ],
        },
      ],
    );
    expect(run.ok, run.output).to.equal(true);
  });

  it('gives each pod the CPU of its containers and their working set, as metrics-server would', () => {
    const { cpu, memory } = config.resourceRules;
    const fill = { series: '', namespace: NAMESPACE, pods: ['server-a'] };
    const container = (metric: string, name: string) =>
      `${metric}{namespace="${NAMESPACE}", pod="server-a", container="${name}", node="kind"}`;
    const run = promtoolEvaluates(
      [
        { series: container(RESOURCE_METRIC_SOURCE.cpu.name, 'server'), values: growing(0.25) },
        // The pod's own cgroup, which cAdvisor reports with container="".
        { series: container(RESOURCE_METRIC_SOURCE.cpu.name, ''), values: growing(0.3) },
        { series: container(RESOURCE_METRIC_SOURCE.memory.name, 'server'), values: '100000000x20' },
        { series: container(RESOURCE_METRIC_SOURCE.memory.name, ''), values: '120000000x20' },
      ],
      [
        {
          expr: substituteAdapterQuery(cpu.containerQuery, { ...fill, groupBy: 'pod, container' }),
          eval_time: '4m',
          exp_samples: [{ labels: '{pod="server-a", container="server"}', value: 0.25 }],
        },
        {
          expr: substituteAdapterQuery(memory.containerQuery, { ...fill, groupBy: 'pod, container' }),
          eval_time: '4m',
          exp_samples: [{ labels: '{pod="server-a", container="server"}', value: 1e8 }],
        },
      ],
    );
    expect(run.ok, run.output).to.equal(true);
    expect(cpu.containerLabel).to.equal('container');
  });
});
