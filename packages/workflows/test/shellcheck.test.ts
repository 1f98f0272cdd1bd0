import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';

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

  // The workflows' run: scripts go through shellcheck inside actionlint (actionlint.test.ts).
  for (const script of [
    'scripts/e2e.sh',
    'scripts/ci/collect-diagnostics.sh',
    'scripts/control-plane-check.sh',
    'scripts/chart-readmes.sh',
    'scripts/lib/toolchain.sh',
    'scripts/kind-up.sh',
    'scripts/flux-up.sh',
    'scripts/compose-up.sh',
    'scripts/autoscale-demo.sh',
    'scripts/rollback-demo.sh',
    'scripts/lib/demo.sh',
    'scripts/ensure-object-storage-secret.sh',
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
