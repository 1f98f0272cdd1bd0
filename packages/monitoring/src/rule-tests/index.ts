import { OUTPUT_DIR } from '@menagerie/contract';
import { ruleFiles } from '../rules/index.ts';
import { type AlertingRule, isAlertingRule } from '../rules/types.ts';
import { renderAnnotation } from './go-template.ts';
import { type AlertCheck, SCENARIOS, type Scenario } from './scenarios.ts';

/**
 * `promtool test rules` files, one per scenario, committed next to the rule
 * files they test so promtool runs on them as they are (as mixin users
 * expect): `promtool test rules charts/menagerie/files/rule-tests/*.yaml`.
 */

export interface RuleTestFile {
  /** The file name without `.yaml`. */
  readonly name: string;
  readonly scenario: Scenario;
  /** The promtool test file, as an object to write as YAML. */
  readonly content: unknown;
}

/** How the test files name the rule files: relative to the test file, as promtool resolves them. */
const ruleFilesDir = OUTPUT_DIR.rules.split('/').pop();

function alertingRules(): Map<string, AlertingRule> {
  const rules = ruleFiles().flatMap((file) => file.groups.flatMap((group) => group.rules));
  return new Map(rules.filter(isAlertingRule).map((rule) => [rule.alert, rule]));
}

function expectedAlerts(rules: ReadonlyMap<string, AlertingRule>, check: AlertCheck) {
  const rule = rules.get(check.alert);
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

/** A file name from the scenario's name: its words up to the first parenthesis or semicolon. */
export function fileNameOf(scenario: Scenario): string {
  const words = scenario.name
    .split(/[(;]/)[0]
    ?.toLowerCase()
    .replace(/×/g, 'x')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/\.(?!\d)/g, '')
    .replace(/^-+|-+$/g, '');
  if (!words) throw new Error(`scenario "${scenario.name}" gives no file name`);
  return words;
}

export function ruleTestFiles(): RuleTestFile[] {
  const rules = alertingRules();
  const files = ruleFiles();
  const tests = SCENARIOS.map((scenario) => ({
    name: fileNameOf(scenario),
    scenario,
    content: {
      rule_files: files.map((file) => `../${ruleFilesDir}/${file.name}.yaml`),
      evaluation_interval: '1m',
      // Recordings first, then the alerts that read them, so expected values are those of the
      // evaluation instant (a running Prometheus evaluates groups independently, up to one interval apart).
      group_eval_order: files.flatMap((file) => file.groups.map((group) => group.name)),
      tests: [
        {
          name: scenario.name,
          interval: '1m',
          input_series: scenario.series,
          alert_rule_test: scenario.alerts.map((check) => ({
            eval_time: check.evalTime,
            alertname: check.alert,
            exp_alerts: expectedAlerts(rules, check),
          })),
          promql_expr_test: (scenario.exprs ?? []).map((check) => ({
            expr: check.expr,
            eval_time: check.evalTime,
            exp_samples: check.samples,
          })),
        },
      ],
    },
  }));
  const names = tests.map((test) => test.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) throw new Error(`scenarios share a file name: ${twice.join(', ')}`);
  return tests;
}
