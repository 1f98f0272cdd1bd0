/**
 * Fails when a chart changed since the base branch but its version did not
 * go up, so every published change to a chart is a new chart version.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';

export interface BumpResult {
  readonly chart: string;
  readonly ok: boolean;
  readonly message: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function versionOf(chartYaml: string): string | undefined {
  const version = (parse(chartYaml) as { version?: unknown } | null)?.version;
  return typeof version === 'string' ? version : undefined;
}

export function checkVersionBump(repo: string, base: string, chartDir: string): BumpResult {
  const dir = relative(repo, join(repo, chartDir)).replace(/\/+$/, '');
  const chart = dir;
  const changed = git(repo, 'diff', '--name-only', `${base}...HEAD`, '--', dir).trim();
  if (changed === '') return { chart, ok: true, message: 'unchanged' };
  const file = join(repo, dir, 'Chart.yaml');
  if (!existsSync(file)) return { chart, ok: true, message: 'removed' };
  const head = versionOf(readFileSync(file, 'utf8'));
  if (!head || !semver.valid(head)) return { chart, ok: false, message: `version "${head}" is not SemVer` };
  let before: string | undefined;
  try {
    before = versionOf(git(repo, 'show', `${base}:${dir}/Chart.yaml`));
  } catch {
    return { chart, ok: true, message: `new chart at ${head}` };
  }
  if (before && semver.valid(before) && !semver.gt(head, before)) {
    const files = changed.split('\n').length;
    return {
      chart,
      ok: false,
      message: `${files} file${files === 1 ? '' : 's'} changed but version ${head} is not above ${before}`,
    };
  }
  return { chart, ok: true, message: `${before} -> ${head}` };
}

export function main(argv: readonly string[], cwd: string = process.cwd()): number {
  const baseAt = argv.indexOf('--base');
  const base = baseAt >= 0 ? argv[baseAt + 1] : undefined;
  const charts = argv.filter((_, i) => i !== baseAt && i !== baseAt + 1);
  if (!base || charts.length === 0) {
    console.error('usage: chart-version-bump.js --base GIT_REF CHART_DIR...');
    return 2;
  }
  let failed = 0;
  for (const dir of charts) {
    const result = checkVersionBump(cwd, base, dir);
    console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.chart}: ${result.message}`);
    if (!result.ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}
