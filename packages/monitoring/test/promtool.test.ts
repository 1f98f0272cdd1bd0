import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_DIR } from '@menagerie/contract';
import { expect } from 'chai';
import { type AlertingRule, REPOSITORY_ROOT, ruleFiles } from '../src/index.ts';
import { listRules } from '../src/inspect/index.ts';
import { toYaml } from '../src/render.ts';
import { renderAnnotation } from './support/go-template.ts';
import { type AlertCheck, SCENARIOS, type Scenario } from './support/promtool-cases.ts';

/** The committed rule files (the drift test proves they are what the generator writes). */
const ruleFilePaths = ruleFiles().map((f) => join(REPOSITORY_ROOT, OUTPUT_DIR.rules, `${f.name}.yaml`));

const alertingRules = new Map(
  listRules()
    .filter((r) => r.kind === 'alert')
    .map((r) => [r.name, r.rule as AlertingRule]),
);

function expectedAlerts(check: AlertCheck) {
  const rule = alertingRules.get(check.alert);
  if (!rule) throw new Error(`no alerting rule named ${check.alert}`);
  return check.firing.map(({ sampleLabels, value }) => ({
    exp_labels: { ...sampleLabels, ...rule.labels },
    exp_annotations: Object.fromEntries(
      Object.entries(rule.annotations).map(([name, template]) => [
        name,
        renderAnnotation(template, sampleLabels, value),
      ]),
    ),
  }));
}

function promtoolTestFile(scenario: Scenario): string {
  return toYaml({
    rule_files: ruleFilePaths,
    evaluation_interval: '1m',
    // Recordings first, then the alerts that read them, so expected values are those of the
    // evaluation instant (a running Prometheus evaluates groups independently, up to one interval apart).
    group_eval_order: ruleFiles().flatMap((f) => f.groups.map((g) => g.name)),
    tests: [
      {
        name: scenario.name,
        interval: '1m',
        input_series: scenario.series,
        alert_rule_test: scenario.alerts.map((check) => ({
          eval_time: check.evalTime,
          alertname: check.alert,
          exp_alerts: expectedAlerts(check),
        })),
        promql_expr_test: (scenario.exprs ?? []).map((check) => ({
          expr: check.expr,
          eval_time: check.evalTime,
          exp_samples: check.samples,
        })),
      },
    ],
  });
}

describe('rules under promtool', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'menagerie-promtool-'));

  it('checks every committed rule file', () => {
    const out = execFileSync('promtool', ['check', 'rules', ...ruleFilePaths], { encoding: 'utf8' });
    expect(out.match(/SUCCESS/g)).to.have.length(ruleFilePaths.length);
  });

  it('has a scenario where each alert fires and one where it must not', () => {
    const checks = SCENARIOS.flatMap((s) => s.alerts);
    for (const alert of alertingRules.keys()) {
      expect(
        checks.some((c) => c.alert === alert && c.firing.length > 0),
        `${alert} fires somewhere`,
      ).to.equal(true);
      expect(
        checks.some((c) => c.alert === alert && c.firing.length === 0),
        `${alert} stays quiet somewhere`,
      ).to.equal(true);
    }
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, function () {
      this.timeout(30000);
      const file = join(workDir, `${SCENARIOS.indexOf(scenario)}.yaml`);
      writeFileSync(file, promtoolTestFile(scenario));
      const result = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
      expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
    });
  }
});
