import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { OUTPUT_DIR } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { ruleFiles } from '../src/index.ts';
import { listRules } from '../src/inspect/index.ts';
import { ruleTestFiles } from '../src/rule-tests/index.ts';
import { SCENARIOS } from '../src/rule-tests/scenarios.ts';

/** The committed rule and test files (the drift test proves they are what the generator writes). */
const ruleFilePaths = ruleFiles().map((f) => join(REPOSITORY_ROOT, OUTPUT_DIR.rules, `${f.name}.yaml`));
const testFiles = ruleTestFiles();

describe('rules under promtool', () => {
  it('checks every committed rule file', () => {
    const out = execFileSync('promtool', ['check', 'rules', ...ruleFilePaths], { encoding: 'utf8' });
    expect(out.match(/SUCCESS/g)).to.have.length(ruleFilePaths.length);
  });

  it('has a scenario where each alert fires and one where it must not', () => {
    const checks = SCENARIOS.flatMap((s) => s.alerts);
    const alerts = listRules()
      .filter((r) => r.kind === 'alert')
      .map((r) => r.name);
    for (const alert of alerts) {
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

  for (const test of testFiles) {
    it(test.scenario.name, function () {
      this.timeout(30000);
      // Run from elsewhere: promtool resolves the rule files relative to the test file.
      const file = join(REPOSITORY_ROOT, OUTPUT_DIR.ruleTests, `${test.name}.yaml`);
      const result = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8', cwd: '/' });
      expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
    });
  }
});
