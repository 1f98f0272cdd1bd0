import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import semver from 'semver';
import { parse } from 'yaml';

export const CHARTS_DIR = path.join(REPOSITORY_ROOT, 'charts');
export const UMBRELLA_DIR = path.join(CHARTS_DIR, 'menagerie');
export const SERVER_CHART_DIR = path.join(CHARTS_DIR, 'menagerie-server');
export const CLIENT_CHART_DIR = path.join(CHARTS_DIR, 'menagerie-client');
/** The library chart the two app charts share. */
export const APP_LIBRARY_CHART_DIR = path.join(CHARTS_DIR, 'menagerie-app');

/** A dependency as Chart.yaml declares it. */
export interface ChartDependency {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
  readonly condition?: string;
  readonly tags?: readonly string[];
  readonly alias?: string;
  readonly 'import-values'?: readonly unknown[];
}

export interface ChartMetadata {
  readonly name: string;
  readonly version: string;
  readonly appVersion?: string;
  readonly dependencies?: readonly ChartDependency[];
}

export function readChart(chartDir: string): ChartMetadata {
  return parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as ChartMetadata;
}

export function isLocalDependency(dependency: ChartDependency): boolean {
  return dependency.repository.startsWith('file://');
}

const tempDirs: string[] = [];

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `menagerie-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory makeTempDir made in this process. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  standaloneCopies.clear();
}

/** Files to drop into the copy's files/ folders, by path relative to files/ (e.g. "dashboards/red.json"). */
export type FileFixtures = Readonly<Record<string, string>>;

export interface UmbrellaCopyOptions {
  /** Replace files/dashboards, files/rules and files/alertmanager with exactly these files. */
  readonly files?: FileFixtures;
  /**
   * Directory of unpacked upstream charts, one folder per chart name. Without
   * it the remote dependencies are left out of Chart.yaml (they cannot be
   * downloaded here) and the umbrella renders its own templates and our two
   * app charts only.
   */
  readonly upstreamDir?: string;
}

/**
 * A throwaway copy of the umbrella chart that `helm template` can render
 * offline: our app charts are copied into its charts/ folder (what
 * `helm dependency build` would do for file:// dependencies), and the
 * upstream ones are either copied from `upstreamDir` or removed from
 * Chart.yaml. Chart.lock is dropped, since it describes the full list.
 */
export function umbrellaCopy(options: UmbrellaCopyOptions = {}): string {
  const root = makeTempDir('umbrella');
  const chartDir = path.join(root, 'menagerie');
  cpSync(UMBRELLA_DIR, chartDir, {
    recursive: true,
    filter: (source) => !source.startsWith(path.join(UMBRELLA_DIR, 'charts')),
  });
  rmSync(path.join(chartDir, 'Chart.lock'), { force: true });
  const chartsDir = path.join(chartDir, 'charts');
  mkdirSync(chartsDir, { recursive: true });

  const chartFile = path.join(chartDir, 'Chart.yaml');
  const chart = parse(readFileSync(chartFile, 'utf8')) as ChartMetadata & Record<string, unknown>;
  const kept: ChartDependency[] = [];
  for (const dependency of chart.dependencies ?? []) {
    if (isLocalDependency(dependency)) {
      const source = path.resolve(UMBRELLA_DIR, dependency.repository.slice('file://'.length));
      cpSync(source, path.join(chartsDir, dependency.name), { recursive: true });
      kept.push(dependency);
    } else if (options.upstreamDir) {
      vendorChart(options.upstreamDir, dependency.name, chartsDir);
      kept.push(dependency);
    }
  }
  writeFileSync(chartFile, JSON.stringify({ ...chart, dependencies: kept }, null, 2));

  if (options.files) {
    for (const folder of ['dashboards', 'rules', 'alertmanager']) {
      rmSync(path.join(chartDir, 'files', folder), { recursive: true, force: true });
    }
    for (const [relative, content] of Object.entries(options.files)) {
      const target = path.join(chartDir, 'files', relative);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
  return chartDir;
}

const standaloneCopies = new Map<string, string>();

/**
 * An app chart as `helm dependency build` leaves it for installing on its
 * own: a throwaway copy with its file:// dependencies (the menagerie-app
 * library) in its charts/ folder. One copy per chart until removeTempDirs.
 */
export function standaloneChart(chartDir: string): string {
  const known = standaloneCopies.get(chartDir);
  if (known) return known;
  const copy = path.join(makeTempDir('app'), path.basename(chartDir));
  cpSync(chartDir, copy, {
    recursive: true,
    filter: (source) => !source.startsWith(path.join(chartDir, 'charts')),
  });
  const chartsDir = path.join(copy, 'charts');
  for (const dependency of readChart(chartDir).dependencies ?? []) {
    if (!isLocalDependency(dependency))
      throw new Error(`${chartDir}: ${dependency.name} is not a file:// dependency`);
    mkdirSync(chartsDir, { recursive: true });
    const source = path.resolve(chartDir, dependency.repository.slice('file://'.length));
    cpSync(source, path.join(chartsDir, dependency.name), { recursive: true });
  }
  standaloneCopies.set(chartDir, copy);
  return copy;
}

/**
 * Copies an unpacked upstream chart, and recursively the remote dependencies
 * it declares, from `upstreamDir/<name>` into `chartsDir/<name>`. A
 * dependency missing there, or unpacked at a version its parent does not ask
 * for, is skipped: Helm renders without a disabled one (Loki's minio), and
 * complains about an enabled one, whereas a chart of another version would be
 * rendered whatever its condition says (Helm matches a dependency by version).
 */
function vendorChart(upstreamDir: string, name: string, chartsDir: string): void {
  const source = path.join(upstreamDir, name);
  if (!existsSync(path.join(source, 'Chart.yaml'))) {
    throw new Error(`${name} is not unpacked in ${upstreamDir} (expected ${source}/Chart.yaml)`);
  }
  const target = path.join(chartsDir, name);
  cpSync(source, target, { recursive: true, dereference: true });
  for (const dependency of readChart(target).dependencies ?? []) {
    if (!dependency.repository || isLocalDependency(dependency)) continue;
    const unpacked = path.join(upstreamDir, dependency.name);
    if (!existsSync(path.join(unpacked, 'Chart.yaml'))) continue;
    if (!semver.satisfies(readChart(unpacked).version, dependency.version)) continue;
    const nested = path.join(target, 'charts');
    mkdirSync(nested, { recursive: true });
    vendorChart(upstreamDir, dependency.name, nested);
  }
}

/**
 * Writes a values file into a temp dir and returns its path. Objects are
 * written as JSON, which Helm's YAML 1.1 parser reads exactly as meant (YAML
 * 1.2 output would leave `on` or `yes` unquoted, and Helm reads booleans).
 */
export function writeValuesFile(values: unknown, name = 'values.yaml'): string {
  const file = path.join(makeTempDir('values'), name);
  writeFileSync(file, typeof values === 'string' ? values : `${JSON.stringify(values, null, 2)}\n`);
  return file;
}
