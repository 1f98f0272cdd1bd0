import { execFileSync } from 'node:child_process';
import { pinnedKubernetesVersion } from '@menagerie/tools/charts/kubernetes-schemas';
import { goToolProblems, kubernetesVersionProblems } from '@menagerie/tools/ci/rules';
import { pinnedGoTools } from '@menagerie/tools/ci/toolchain';
import { loadWorkflows, type Workflow } from '@menagerie/tools/ci/workflows';
import { expect } from 'chai';
import { parse } from 'yaml';

const workflows = loadWorkflows();
const tools = Object.values(pinnedGoTools());
const charts = workflows.find((w) => w.file === 'charts.yml') as Workflow;

/** charts.yml with pieces of its text replaced, to show a rule catches the change. */
function altered(...replacements: [string | RegExp, string][]): Workflow {
  let text = charts.text;
  for (const [from, to] of replacements) {
    const next = text.replace(from, to);
    expect(next, `the replacement of ${from} changed nothing`).not.to.equal(text);
    text = next;
  }
  return { ...charts, text, doc: parse(text) as Workflow['doc'] };
}

/** The module and version a Go binary on PATH was built from (its build information). */
function builtFrom(name: string): { module: string; version: string } {
  const binary = execFileSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  const info = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const [, module = '', version = ''] = /^\s*mod\s+(\S+)\s+(\S+)/m.exec(info) ?? [];
  return { module, version };
}

describe('the Go tools of .go-tools', () => {
  it('lists kubeconform, kube-score, helm-docs, actionlint and ct, each at an exact version', () => {
    expect(tools.map((tool) => tool.name)).to.have.members([
      'kubeconform',
      'kube-score',
      'helm-docs',
      'actionlint',
      'ct',
    ]);
  });

  for (const tool of tools) {
    it(`runs ${tool.name} ${tool.version}, built from ${tool.pkg}`, () => {
      const { module, version } = builtFrom(tool.name);
      expect(module).to.equal(tool.module);
      expect(version).to.equal(tool.version);
    });
  }

  it('reach the workflows only through ensure_go_tools, at the same versions', () => {
    expect(goToolProblems(workflows, tools)).to.deep.equal([]);
  });

  it('catches a workflow that installs one at a version of its own, or runs one it did not install', () => {
    const problems = goToolProblems(
      [
        altered(['ensure_go_tools\n', 'go install github.com/yannh/kubeconform/cmd/kubeconform@v0.6.0\n']),
        altered(
          ['ensure_go_tools\n', ''],
          [/run: node packages\/tools\/dist\/cli\/kubeconform\.js/, 'run: kubeconform -strict'],
        ),
      ],
      tools,
    );
    expect(problems).to.include.members([
      'charts.yml: installs kubeconform itself; .go-tools pins it for ensure_go_tools',
      'charts.yml: runs kubeconform without installing it through ensure_go_tools',
    ]);
  });

  it('validate against the Kubernetes version of the kind cluster in CI too', () => {
    const pinned = pinnedKubernetesVersion();
    expect(charts.doc.env?.KUBERNETES_VERSION).to.equal(pinned);
    expect(kubernetesVersionProblems(workflows, pinned)).to.deep.equal([]);
    expect(
      kubernetesVersionProblems(
        [altered([`KUBERNETES_VERSION: ${pinned}`, 'KUBERNETES_VERSION: 1.30.0'])],
        pinned,
      ),
    ).to.deep.equal([`charts.yml: KUBERNETES_VERSION 1.30.0, deploy/kind/cluster.yaml runs ${pinned}`]);
  });
});
