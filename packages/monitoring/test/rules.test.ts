import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT, BURN_RATE_POLICY, RULE_GROUP, SEVERITY, SLI_WINDOWS } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { type AlertingRule, RUNBOOK_DIR } from '../src/index.ts';
import { listRules } from '../src/inspect/index.ts';
import { renderAnnotation } from '../src/rule-tests/go-template.ts';

const rules = listRules();
const alerts = rules.filter((r) => r.kind === 'alert').map((r) => r.rule as AlertingRule);

describe('rules', () => {
  it('define exactly the exported alert names and rule groups', () => {
    expect(alerts.map((a) => a.alert).sort()).to.deep.equal(Object.values(ALERT).sort());
    expect([...new Set(rules.map((r) => r.group))].sort()).to.deep.equal(Object.values(RULE_GROUP).sort());
  });

  it('give every alert a severity, a summary, a description and a runbook that exists, and leave its link to the chart', () => {
    const severities = new Set<string>(Object.values(SEVERITY));
    for (const a of alerts) {
      expect(severities.has(a.labels.severity), a.alert).to.equal(true);
      expect(a.annotations.summary, a.alert).to.be.a('string').and.not.empty;
      expect(a.annotations.description, a.alert).to.have.length.greaterThan(40);
      expect(a.annotations, a.alert).to.not.have.property('runbook_url');
      expect(
        existsSync(join(REPOSITORY_ROOT, RUNBOOK_DIR, `${a.alert}.md`)),
        `runbook of ${a.alert}`,
      ).to.equal(true);
    }
  });

  it('use only the template forms the unit tests can render', () => {
    for (const a of alerts) {
      for (const template of Object.values(a.annotations)) {
        expect(() => renderAnnotation(template, {}, 1), `${a.alert}: ${template}`).not.to.throw();
      }
    }
  });

  it('record every window the burn-rate policy reads', () => {
    const windows: string[] = [...SLI_WINDOWS];
    for (const conditions of Object.values(BURN_RATE_POLICY)) {
      for (const c of conditions) {
        expect(windows).to.include(c.long);
        expect(windows).to.include(c.short);
      }
    }
  });

  it('give every recorded series a unique name per label set', () => {
    const keys = rules
      .filter((r) => r.kind === 'record')
      .map((r) => `${r.name}${JSON.stringify((r.rule as { labels?: object }).labels ?? {})}`);
    expect(new Set(keys).size).to.equal(keys.length);
  });
});
