import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERT,
  BURN_RATE_POLICY,
  LATENCY_SLO,
  PAGING,
  SLI_ROUTES,
  SLO_RECORD,
  SYMPTOM_THRESHOLD,
} from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { type AlertingRule, dashboardFiles, RECEIVER, RUNBOOK_DIR, SLIS } from '../src/index.ts';
import { CLUSTER_ONLY_METRIC_NAMES, listRules, STANDARD_METRIC_NAMES } from '../src/inspect/index.ts';
import { num } from '../src/promql.ts';
import { errorBudget } from '../src/slo.ts';

/** The docs restate numbers and names the code defines; these tests keep the two in step. */

const doc = (path: string): string => readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
const pct = (ratio: number): string => `${num(ratio * 100)}%`;
const rules = listRules();
const alerts = rules.filter((r) => r.kind === 'alert');

describe('docs/slo.md', () => {
  const text = doc('docs/slo.md');

  it('states each objective, threshold, window and SLI route', () => {
    for (const { slo } of SLIS) {
      expect(text).to.contain(`**${pct(slo.objective)}**`);
      expect(text).to.contain(`${slo.windowDays} days`);
      expect(text).to.contain(pct(errorBudget(slo)));
    }
    expect(text).to.contain(`**${LATENCY_SLO.thresholdSeconds}s**`);
    for (const route of SLI_ROUTES) expect(text).to.contain(`\`${route}\``);
  });

  it('explains every burn-rate condition with the error ratio that fires it', () => {
    for (const conditions of Object.values(BURN_RATE_POLICY)) {
      for (const c of conditions) {
        expect(text).to.contain(`| ${num(c.factor)}× | ${c.long} and ${c.short} |`);
        const ratios = SLIS.map((sli) => pct(c.factor * errorBudget(sli.slo))).join(' / ');
        expect(text).to.contain(ratios);
      }
    }
    for (const sli of SLIS) {
      expect(text).to.contain(sli.alerts.page);
      expect(text).to.contain(sli.alerts.ticket);
    }
  });

  it('names the recording rules', () => {
    for (const name of [
      SLO_RECORD.events,
      SLO_RECORD.badEvents,
      SLO_RECORD.errorRatio('5m'),
      SLO_RECORD.errorRatio('30d'),
      SLO_RECORD.objective,
      SLO_RECORD.errorBudget,
      SLO_RECORD.periodDays,
      SLO_RECORD.currentBurnRate,
      SLO_RECORD.periodBurnRate,
      SLO_RECORD.budgetRemaining,
    ]) {
      expect(text).to.contain(`\`${name}\``);
    }
  });
});

describe('docs/dashboards.md', () => {
  const text = doc('docs/dashboards.md');

  it('describes every dashboard by title, uid and file', () => {
    for (const { name, dashboard } of dashboardFiles()) {
      expect(text).to.contain(`| ${dashboard.title} | \`${dashboard.uid}\` | \`${name}.json\` |`);
      expect(text).to.contain(`## ${dashboard.title}`);
    }
  });

  it('quotes a panel function exactly as the client dashboard has it', () => {
    const example = /```ts\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    expect(example).to.match(/^function \w+Panel\(\)/);
    expect(doc('packages/monitoring/src/dashboards/client.ts')).to.contain(example);
  });

  it('names every helper the dashboard kit exports', () => {
    const kit = doc('packages/monitoring/src/dashboards/kit.ts');
    const exported = [...kit.matchAll(/^export (?:const|function) (\w+)/gm)].map((m) => m[1] ?? '');
    expect(exported).to.include.members(['promQuery', 'defaultTimeseries', 'row', 'buildDashboard']);
    const section = text.slice(text.indexOf('## How a dashboard is written'));
    const documented = (name: string) => section.includes(`\`${name}\``) || section.includes(`\`${name}(`);
    expect(exported.filter((name) => !documented(name))).to.deep.equal([]);
  });

  it('lists every cluster-only and standard metric', () => {
    for (const name of [...CLUSTER_ONLY_METRIC_NAMES, ...STANDARD_METRIC_NAMES]) {
      expect(text, name).to.contain(`\`${name}\``);
    }
  });
});

describe('docs/alerting.md', () => {
  const text = doc('docs/alerting.md');

  it('lists every alert with its severity', () => {
    for (const { name, rule } of alerts) {
      expect(text, name).to.contain(`| \`${name}\` | ${(rule as AlertingRule).labels.severity} |`);
    }
  });

  it('gives the receivers and the paging Secret and switch as configured', () => {
    for (const receiver of Object.values(RECEIVER)) expect(text).to.contain(`\`${receiver}\``);
    expect(text).to.contain(`/etc/alertmanager/secrets/${PAGING.secretName}/${PAGING.secretKey}`);
    expect(text).to.contain(`${PAGING.switchLabel.name}="${PAGING.switchLabel.value}"`);
  });
});

describe('docs/runbooks', () => {
  const dir = join(REPOSITORY_ROOT, RUNBOOK_DIR);

  it('has one runbook per alert and no other', () => {
    expect(readdirSync(dir).sort()).to.deep.equal(
      Object.values(ALERT)
        .map((a) => `${a}.md`)
        .sort(),
    );
  });

  it('head each runbook with its alert, severity and rule group', () => {
    for (const { name, group, rule } of alerts) {
      const text = readFileSync(join(dir, `${name}.md`), 'utf8');
      expect(text.split('\n')[0]).to.equal(`# ${name}`);
      expect(text).to.contain(`**Severity:** ${(rule as AlertingRule).labels.severity} `);
      expect(text).to.contain(`**Rule group:** \`${group}\``);
    }
  });

  it('state the same durations and thresholds as the rules', () => {
    const runbook = (name: string) => readFileSync(join(dir, `${name}.md`), 'utf8');
    for (const { name, rule } of alerts) {
      const wait = (rule as AlertingRule).for;
      if (wait) expect(runbook(name), name).to.match(new RegExp(`${Number.parseInt(wait, 10)} minutes`));
    }
    expect(runbook(ALERT.storeNearCapacity)).to.contain(pct(SYMPTOM_THRESHOLD.storeFullRatio));
    expect(runbook(ALERT.clientCannotReachServer)).to.contain(pct(SYMPTOM_THRESHOLD.clientUnreachableRatio));
    expect(runbook(ALERT.podRestarting)).to.contain(
      `${Number.parseInt(SYMPTOM_THRESHOLD.restartWindow, 10)} minutes`,
    );
    expect(runbook(ALERT.highLatency)).to.contain(`${SYMPTOM_THRESHOLD.latencySeconds} second`);
    for (const sli of SLIS) {
      for (const severity of ['page', 'ticket'] as const) {
        const text = runbook(sli.alerts[severity]);
        expect(text).to.contain(pct(sli.slo.objective));
        expect(text).to.contain(pct(errorBudget(sli.slo)));
        expect(text).to.contain(num(Math.max(...BURN_RATE_POLICY[severity].map((c) => c.factor))));
      }
    }
  });
});
