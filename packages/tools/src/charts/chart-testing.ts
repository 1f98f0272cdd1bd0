/**
 * chart-testing's `ct lint` with tools/ct.yaml, offline and on any checkout.
 *
 * ct finds changed charts, and the versions to compare, in a git remote's
 * branch, and builds each chart's dependencies from their repositories. So it
 * runs in a scratch repository: one commit holds charts/ as at the base
 * revision (under the remote and branch tools/ct.yaml names), the next one
 * charts/ as it is in the working tree, uncommitted changes included. Each
 * chart's charts/ folder there holds its file:// dependencies and, for the
 * remote ones, stand-ins of the same name and version (an empty chart), which
 * is all `helm lint` needs of them; they are git-ignored, so they never count
 * as a change.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { isLocalDependency, makeTempDir, readChart } from './charts.ts';
import { runTool, type ToolResult } from './tool.ts';

export const CT_CONFIG = path.join(REPOSITORY_ROOT, 'tools/ct.yaml');
/** ct's Chart.yaml schema and yamllint configuration (ensure_chart_testing copies them there). */
const CT_ETC = path.join(REPOSITORY_ROOT, '.tools/chart-testing/etc');
const BASE_REMOTE = 'base';
const BASE_BRANCH = 'main';

export interface CtLintOptions {
  /** The revision whose charts are the base of the version check. */
  readonly base: string;
  /** The repository whose charts/ is linted (default: this one). */
  readonly repository?: string;
  /** Lint every chart, with no version check, instead of the changed ones. */
  readonly all?: boolean;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Copies a charts/ folder without the dependency folders helm builds in it. */
function copyCharts(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    filter: (source) => !/^[^/]+\/(charts|tmpcharts[^/]*)(\/|$)/.test(path.relative(from, source)),
  });
}

/** Fills each chart's charts/ folder: file:// dependencies copied, remote ones as stand-ins. */
function vendorDependencies(chartsDir: string): void {
  for (const name of readdirSync(chartsDir)) {
    const chartDir = path.join(chartsDir, name);
    if (!existsSync(path.join(chartDir, 'Chart.yaml'))) continue;
    for (const dependency of readChart(chartDir).dependencies ?? []) {
      const target = path.join(chartDir, 'charts', dependency.name);
      if (isLocalDependency(dependency)) {
        const source = path.resolve(chartDir, dependency.repository.slice('file://'.length));
        cpSync(source, target, { recursive: true });
      } else {
        mkdirSync(target, { recursive: true });
        writeFileSync(
          path.join(target, 'Chart.yaml'),
          `apiVersion: v2\nname: ${dependency.name}\nversion: ${dependency.version}\ndescription: "A stand-in, since the chart's repository is not reached here"\n`,
        );
      }
    }
  }
}

/** The scratch repository described above; returns its path. */
export function ctWorkspace(repository: string, base: string): string {
  const workspace = path.join(makeTempDir('ct'), 'repository');
  mkdirSync(workspace, { recursive: true });
  git(workspace, 'init', '-q', '-b', BASE_BRANCH);
  git(workspace, 'config', 'user.email', 'ct@menagerie.invalid');
  git(workspace, 'config', 'user.name', 'ct');
  writeFileSync(path.join(workspace, '.gitignore'), 'charts/*/charts/\n');
  const archive = path.join(path.dirname(workspace), 'base.tar');
  try {
    git(repository, 'archive', '--format=tar', '-o', archive, base, '--', 'charts');
  } catch (error) {
    throw new Error(
      `cannot read charts/ at ${base} (a shallow clone lacks it: fetch more history, or set MENAGERIE_CHART_BASE):\n${(error as { stderr?: string }).stderr ?? error}`,
    );
  }
  execFileSync('tar', ['-xf', archive, '-C', workspace]);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', `charts/ at ${base}`);
  git(workspace, 'update-ref', `refs/remotes/${BASE_REMOTE}/${BASE_BRANCH}`, 'HEAD');
  rmSync(path.join(workspace, 'charts'), { recursive: true, force: true });
  copyCharts(path.join(repository, 'charts'), path.join(workspace, 'charts'));
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'charts/ now', '--allow-empty');
  vendorDependencies(path.join(workspace, 'charts'));
  return workspace;
}

/** `ct lint` with tools/ct.yaml in a scratch repository made from `repository` at `base`. */
export async function ctLint(options: CtLintOptions): Promise<ToolResult> {
  const workspace = ctWorkspace(options.repository ?? REPOSITORY_ROOT, options.base);
  if (!existsSync(path.join(CT_ETC, 'chart_schema.yaml'))) {
    throw new Error(
      `no ${CT_ETC}/chart_schema.yaml: run the tests through scripts/test.sh, which installs ct`,
    );
  }
  const args = ['lint', '--config', CT_CONFIG];
  args.push('--chart-yaml-schema', path.join(CT_ETC, 'chart_schema.yaml'));
  args.push('--lint-conf', path.join(CT_ETC, 'lintconf.yaml'));
  if (options.all) args.push('--all', '--check-version-increment=false');
  return runTool('ct', args, workspace);
}

/**
 * The revision the version check compares with: MENAGERIE_CHART_BASE, else
 * the commit before HEAD (on a merge, the branch merged into, so a merged
 * branch is checked as a whole; on a pull request's merge commit, its base).
 */
export function chartBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.MENAGERIE_CHART_BASE || 'HEAD~1';
}
