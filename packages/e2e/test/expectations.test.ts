import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDashboards, readRuleGroups } from '@menagerie/tools/e2e/expectations';
import { FatalCheckError } from '@menagerie/tools/e2e/runner';
import { expect } from 'chai';
import { DASHBOARDS_DIR } from './support/stack.ts';

describe('expectations read from the chart files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'menagerie-e2e-expect-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads dashboard uids from bare and wrapped dashboard models', () => {
    expect(readDashboards(DASHBOARDS_DIR).map((d) => d.uid)).to.deep.equal([
      'fixture-service-overview',
      'fixture-slo',
    ]);
  });

  it('refuses a dashboard without a uid, since Grafana would invent one', () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ title: 'no uid' }));
    expect(() => readDashboards(dir)).to.throw(FatalCheckError, /has no "uid"/);
  });

  it('refuses a dashboard file that is not JSON', () => {
    writeFileSync(join(dir, 'a.json'), '{');
    expect(() => readDashboards(dir)).to.throw(FatalCheckError, /is not valid JSON/);
  });

  it('reads groups, alerts and recording rules from every rule file', () => {
    writeFileSync(
      join(dir, 'a.yaml'),
      'groups:\n  - name: g1\n    rules:\n      - record: r:one\n        expr: vector(1)\n      - alert: A1\n        expr: vector(1)\n',
    );
    writeFileSync(
      join(dir, 'b.yml'),
      'groups:\n  - name: g2\n    rules:\n      - alert: A2\n        expr: vector(1)\n',
    );
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(readRuleGroups(dir).map(({ name, alerts, records }) => ({ name, alerts, records }))).to.deep.equal(
      [
        { name: 'g1', alerts: ['A1'], records: ['r:one'] },
        { name: 'g2', alerts: ['A2'], records: [] },
      ],
    );
  });

  it('refuses a YAML file that is not a rule file', () => {
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n');
    expect(() => readRuleGroups(dir)).to.throw(FatalCheckError, /no top-level "groups"/);
  });

  it('says so when a folder is missing or empty instead of expecting nothing', () => {
    expect(() => readRuleGroups(join(dir, 'absent'))).to.throw(FatalCheckError, /cannot read the rule files/);
    expect(() => readDashboards(dir)).to.throw(FatalCheckError, /no dashboard files \(\*\.json\)/);
  });
});
