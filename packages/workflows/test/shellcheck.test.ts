import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { runScripts } from '@menagerie/tools/ci/rules';
import { loadWorkflows } from '@menagerie/tools/ci/workflows';
import { expect } from 'chai';

// The checks actionlint turns off for run: scripts, since ${{ }} is blanked and env: is set by the runner.
const EXCLUDED = 'SC1091,SC2194,SC2050,SC2154,SC2157';

function shellcheck(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync('shellcheck', ['--norc', '--format=gcc', ...args], { input, encoding: 'utf8' });
  if (result.error)
    throw new Error(`shellcheck did not run: ${result.error.message} (scripts/test.sh installs it)`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('shellcheck', () => {
  it('is installed', () => {
    expect(execFileSync('shellcheck', ['--version'], { encoding: 'utf8' })).to.match(/version: \d+\.\d+/);
  });

  for (const workflow of loadWorkflows()) {
    for (const { step, script } of runScripts(workflow)) {
      it(`passes ${workflow.file}: ${step}`, () => {
        const { status, output } = shellcheck(['--shell=bash', `--exclude=${EXCLUDED}`, '-'], script);
        expect(status, output).to.equal(0);
      });
    }
  }

  for (const script of [
    'scripts/e2e.sh',
    'scripts/ci/collect-diagnostics.sh',
    'scripts/control-plane-check.sh',
    'scripts/kind-up.sh',
    'scripts/flux-up.sh',
    'scripts/compose-up.sh',
  ]) {
    it(`passes ${script}`, () => {
      const { status, output } = shellcheck([
        '--external-sources',
        '--source-path=SCRIPTDIR',
        join(REPOSITORY_ROOT, script),
      ]);
      expect(status, output).to.equal(0);
    });
  }

  it('reports a broken script (the check can fail)', () => {
    const { status, output } = shellcheck(['--shell=bash', '-'], 'files=$(ls *.yaml)\nrm $files\n');
    expect(status).to.not.equal(0);
    expect(output).to.include('SC2086');
  });
});
