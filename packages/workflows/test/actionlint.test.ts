import { execFileSync } from 'node:child_process';
import { loadWorkflows } from '@menagerie/tools/ci/workflows';
import { expect } from 'chai';
import { actionlint, type Finding } from './support/linters.ts';

const format = (findings: Finding[]) =>
  findings.map((f) => `  ${f.line}:${f.column} [${f.kind}] ${f.message}`).join('\n');

describe('actionlint', () => {
  const workflows = loadWorkflows();

  it('has shellcheck on PATH for the run: scripts (go-tools.test.ts checks its own version)', () => {
    expect(execFileSync('shellcheck', ['--version'], { encoding: 'utf8' })).to.match(/version: \d+\.\d+/);
  });

  it('finds the four workflows', () => {
    expect(workflows.map((w) => w.file)).to.include.members([
      'ci.yml',
      'charts.yml',
      'images.yml',
      'e2e.yml',
    ]);
  });

  for (const workflow of workflows) {
    it(`passes ${workflow.file}, its run: scripts through shellcheck`, () => {
      const findings = actionlint(workflow.text, `.github/workflows/${workflow.file}`);
      expect(findings, `${workflow.file}:\n${format(findings)}`).to.deep.equal([]);
    });
  }

  it('reports a broken workflow: an unknown job, an untrusted expression, a shellcheck finding', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    needs: [missing]',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression in a workflow
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: |',
      '          files=$(ls *.yaml)',
      '          rm $files',
      '',
    ].join('\n');
    const findings = actionlint(broken, 'broken.yml');
    expect(findings.map((f) => f.kind)).to.include.members(['job-needs', 'expression', 'shellcheck']);
    expect(format(findings)).to.include('SC2086');
  });
});
