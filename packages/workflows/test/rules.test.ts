import { CLIENT, SERVER } from '@menagerie/contract';
import { pinProblems, policyProblems, versionProblems, writePermissions } from '@menagerie/tools/ci/rules';
import { pinnedVersions } from '@menagerie/tools/ci/toolchain';
import { loadWorkflows, steps, stepsUsing, type Workflow } from '@menagerie/tools/ci/workflows';
import { expect } from 'chai';
import { parse } from 'yaml';

const workflows = loadWorkflows();
const byFile = (file: string) => workflows.find((w) => w.file === file) as Workflow;

/** The same workflow with one piece of its text replaced, to show a rule catches the change. */
function altered(file: string, from: string | RegExp, to: string): Workflow {
  const original = byFile(file);
  const text = original.text.replace(from, to);
  expect(text, `the replacement of ${from} changed nothing`).not.to.equal(original.text);
  return { ...original, text, doc: parse(text) as Workflow['doc'] };
}

describe('workflow rules', () => {
  describe('pins', () => {
    it('pins every third-party action by full SHA with the release in a comment', () => {
      expect(pinProblems(workflows)).to.deep.equal([]);
    });

    it('catches a tag instead of a SHA, a missing version comment and two SHAs for one action', () => {
      const problems = pinProblems([
        altered('ci.yml', /actions\/checkout@[0-9a-f]{40} # v[\d.]+/, 'actions/checkout@v7'),
        altered('e2e.yml', /(actions\/upload-artifact@[0-9a-f]{40}) # v[\d.]+/, '$1'),
        altered('charts.yml', /pnpm\/action-setup@[0-9a-f]{40}/, `pnpm/action-setup@${'a'.repeat(40)}`),
        byFile('images.yml'),
      ]);
      expect(problems.join('\n'))
        .to.include('actions/checkout@v7: not pinned by a full commit SHA')
        .and.include('actions/upload-artifact: the comment after the SHA must name the release')
        .and.include('pnpm/action-setup: pinned to');
    });
  });

  describe('versions agree with the single sources', () => {
    const pinned = pinnedVersions();

    it('reads .node-version, .helm-version, engines and packageManager', () => {
      expect(pinned.node).to.match(/^\d+\.\d+\.\d+$/);
      expect(pinned.nodeMinimum).to.match(/^22\.\d+\.\d+$/);
      expect(pinned.pnpm).to.match(/^\d+\.\d+\.\d+$/);
      expect(pinned.helm).to.match(/^v\d+\.\d+\.\d+$/);
    });

    it('has no workflow version that disagrees with them', () => {
      expect(versionProblems(workflows, pinned)).to.deep.equal([]);
    });

    it('installs helm in every workflow that needs it, at .helm-version', () => {
      const helmSteps = workflows.flatMap((w) => [
        ...stepsUsing(w, 'azure/setup-helm'),
        ...stepsUsing(w, 'helmfile/helmfile-action'),
      ]);
      expect(helmSteps).to.have.length(3);
    });

    it('catches a helm, pnpm or Node version that drifted from its source', () => {
      const problems = versionProblems(
        [
          altered('ci.yml', `version: ${pinned.helm}`, 'version: v3.99.0'),
          altered('e2e.yml', `helm-version: ${pinned.helm}`, 'helm-version: v3.99.0'),
          altered(
            'charts.yml',
            /(- uses: pnpm\/action-setup@\S+ # \S+)/,
            '$1\n        with:\n          version: 9.0.0',
          ),
          altered('ci.yml', `node-version: ${pinned.nodeMinimum}`, 'node-version: 20.0.0'),
          altered('e2e.yml', 'node-version-file: .node-version', 'node-version: 24'),
        ],
        pinned,
      );
      expect(problems.join('\n'))
        .to.include('ci.yml: setup-helm installs v3.99.0')
        .and.include('e2e.yml: helmfile-action installs helm v3.99.0')
        .and.include(`charts.yml: pnpm 9.0.0 differs from packageManager pnpm@${pinned.pnpm}`)
        .and.include('ci.yml: Node 20.0.0 in the matrix')
        .and.include('e2e.yml: setup-node must read .node-version');
    });
  });

  describe('policy', () => {
    it('keeps tokens read-only, cancels superseded runs, bounds every job and drops checkout credentials', () => {
      expect(policyProblems(workflows)).to.deep.equal([]);
    });

    it('grants write access only where images are pushed', () => {
      expect(writePermissions(workflows)).to.deep.equal(['images.yml image: packages: write']);
    });

    it('catches write access at the top, no cancellation, an unbounded job and a persisted token', () => {
      const problems = policyProblems([
        altered('ci.yml', /^permissions:\n {2}contents: read/m, 'permissions:\n  contents: write'),
        altered('e2e.yml', 'cancel-in-progress: true', 'cancel-in-progress: false'),
        altered('charts.yml', /\n {4}timeout-minutes: \d+/, ''),
        altered('images.yml', 'persist-credentials: false', 'persist-credentials: true'),
      ]);
      expect(problems).to.deep.equal([
        'ci.yml: top-level permissions must be read-only',
        'e2e.yml: needs a concurrency group with cancel-in-progress: true',
        'charts.yml: job render-and-validate has no timeout-minutes',
        'images.yml: checkout must set persist-credentials: false',
      ]);
    });
  });

  describe('what each workflow runs', () => {
    const runs = (file: string) => steps(byFile(file)).map((s) => String(s.run ?? ''));

    it('ci runs lint, build and test through turbo and the promtool checks', () => {
      expect(runs('ci.yml').join('\n'))
        .to.include('turbo run lint:repo lint build test')
        .and.include('promtool check rules')
        .and.include('promtool test rules');
    });

    it('charts builds dependencies, lints, renders, validates, checks deprecations and version bumps', () => {
      const all = runs('charts.yml').join('\n');
      for (const command of [
        'helm dependency build',
        'helm lint',
        'helm template',
        '--include-crds',
        'helmfile --environment ci template',
        'helmfile --environment autoscaling template',
        'helmfile --environment production template',
        'inClusterObjectStorage.enabled=true',
        'packages/tools/dist/cli/kubeconform.js --crd-schemas',
        'pluto detect-files',
        'packages/tools/dist/cli/ct-lint.js --base',
      ]) {
        expect(all).to.include(command);
      }
    });

    it('images builds the contract-named images for amd64 and arm64 with SBOM, provenance and a layer cache', () => {
      const images = byFile('images.yml');
      const include = Object.values(images.doc.jobs)[0]?.strategy?.matrix?.include as { image: string }[];
      expect(include.map((row) => row.image)).to.deep.equal([SERVER.name, CLIENT.name]);
      const [build] = stepsUsing(images, 'docker/build-push-action');
      expect(build?.with).to.deep.include({
        platforms: 'linux/amd64,linux/arm64',
        sbom: true,
        provenance: 'mode=max',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression in a workflow
        push: "${{ env.PUSH == 'true' }}",
      });
      expect(String(build?.with?.['cache-to'])).to.match(/^type=gha,/);
      const push = String((Object.values(images.doc.jobs)[0]?.env as { PUSH?: string } | undefined)?.PUSH);
      expect(push)
        .to.include("github.event_name != 'pull_request'")
        .and.include("github.ref == 'refs/heads/main'");
      expect(push).to.include("startsWith(github.ref, 'refs/tags/')");
    });

    it('e2e deploys with the ci environment, asserts, runs the rollback demo and keeps diagnostics on failure', () => {
      const e2e = byFile('e2e.yml');
      const job = Object.values(e2e.doc.jobs)[0];
      expect(job?.env).to.deep.include({ CI: true, MENAGERIE_ENV: 'ci' });
      const commands = steps(e2e).map((s) => [s.run, s.if]);
      expect(commands).to.deep.include.members([
        ['./scripts/kind-up.sh', undefined],
        ['./scripts/e2e.sh', undefined],
        ['./scripts/rollback-demo.sh', undefined],
        ['./scripts/ci/collect-diagnostics.sh diagnostics', 'failure()'],
        ['./scripts/kind-down.sh', 'always()'],
      ]);
      const [upload] = stepsUsing(e2e, 'actions/upload-artifact');
      expect(upload?.if).to.equal('failure()');
    });
  });
});
