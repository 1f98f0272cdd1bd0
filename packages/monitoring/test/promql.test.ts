import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  CLUSTER_ONLY_METRIC_NAMES,
  CONTRACT_SERIES_NAMES,
  listPanelQueries,
  listRules,
  listVariableQueries,
  promqlSyntaxErrors,
  STANDARD_METRIC_NAMES,
  selectedMetricNames,
  substituteVariables,
} from '../src/inspect/index.ts';
import { toYaml } from '../src/render.ts';

/** Every PromQL expression the dashboards and rules hold, variables and macros substituted. */
function allPromql(): { where: string; expr: string }[] {
  return [
    ...listRules().map((r) => ({ where: `rule ${r.name} (${r.group})`, expr: r.rule.expr })),
    ...listPanelQueries()
      .filter((q) => q.datasource.type === 'prometheus')
      .map((q) => ({
        where: `${q.dashboardUid} / ${q.panelTitle} / ${q.refId}`,
        expr: substituteVariables(q.query),
      })),
    ...listVariableQueries().map((v) => ({
      where: `${v.dashboardUid} variable ${v.name}`,
      expr: substituteVariables(v.series),
    })),
  ];
}

const recordedSeries = new Set(
  listRules()
    .filter((r) => r.kind === 'record')
    .map((r) => r.name),
);

describe('PromQL', () => {
  it('parses with the Prometheus grammar (lezer-promql) everywhere', () => {
    const broken = allPromql().filter(({ expr }) => promqlSyntaxErrors(expr).length > 0);
    expect(broken.map((b) => `${b.where}: ${b.expr}`)).to.deep.equal([]);
  });

  it('catches a syntax error (the check can fail)', () => {
    expect(promqlSyntaxErrors('sum(rate(x[5m])')).to.not.be.empty;
    expect(promqlSyntaxErrors('rate(x[$__rate_interval])')).to.not.be.empty;
  });

  it('parses with Prometheus 2.42 itself: dashboard queries pass promtool check rules as recording rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-dashboard-promql-'));
    const file = join(dir, 'dashboard-queries.yaml');
    const rules = allPromql().map(({ expr }, i) => ({ record: `dashboard_query_${i}`, expr }));
    writeFileSync(file, toYaml({ groups: [{ name: 'dashboard-queries', rules }] }));
    const out = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(out).to.contain(`SUCCESS: ${rules.length} rules found`);
  });

  it('names the metric in every selector', () => {
    const anonymous = allPromql().filter(({ expr }) => selectedMetricNames(expr).includes(null));
    expect(anonymous.map((a) => a.where)).to.deep.equal([]);
  });

  it('uses only metrics the contract, the rules, the standard list or the cluster-only list define', () => {
    const known = (name: string) =>
      CONTRACT_SERIES_NAMES.has(name) ||
      recordedSeries.has(name) ||
      STANDARD_METRIC_NAMES.has(name) ||
      CLUSTER_ONLY_METRIC_NAMES.has(name);
    const unknown = allPromql().flatMap(({ where, expr }) =>
      selectedMetricNames(expr)
        .filter((name): name is string => name !== null && !known(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).to.deep.equal([]);
  });

  it('lists no standard or cluster-only metric that nothing uses', () => {
    const used = new Set(allPromql().flatMap(({ expr }) => selectedMetricNames(expr)));
    const unused = [...STANDARD_METRIC_NAMES, ...CLUSTER_ONLY_METRIC_NAMES].filter((name) => !used.has(name));
    expect(unused).to.deep.equal([]);
  });

  it('reads every recorded series it uses from a rule that records it', () => {
    const recordingRuleNames = [...recordedSeries];
    const usedRecorded = allPromql()
      .flatMap(({ expr }) => selectedMetricNames(expr))
      .filter((name): name is string => name?.includes(':') ?? false);
    for (const name of usedRecorded) expect(recordingRuleNames, name).to.include(name);
  });
});
