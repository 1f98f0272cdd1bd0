import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { parseAllDocuments } from 'yaml';
import { makeTempDir } from './charts.ts';
import { helm } from './helm.ts';
import { mergeValues, readValues, type Values } from './values.ts';

export const HELMFILE = path.join(REPOSITORY_ROOT, 'helmfile.yaml');
/** The helmfile release of the production environment's optional in-cluster object store. */
export const OBJECT_STORE_RELEASE = 'object-storage';

export interface HelmfileRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version?: string;
  readonly needs?: readonly string[];
  /** A state value path (ending in .enabled) that decides whether helmfile processes the release. */
  readonly condition?: string;
  /** API versions helmfile passes helm as --api-versions (to template and diff). */
  readonly apiVersions?: readonly string[];
  readonly disableValidationOnInstall?: boolean;
  readonly values?: readonly (string | Values)[];
  readonly hooks?: readonly { events: string[]; command: string; args?: string[] }[];
}

export interface Helmfile {
  readonly repositories: readonly { name: string; url: string }[];
  /** Environments: state values files and maps, and encrypted ones (`secrets`, decrypted by helm-secrets). */
  readonly environments: Readonly<
    Record<string, { values?: readonly (string | Values)[]; secrets?: readonly string[] }>
  >;
  readonly helmDefaults: Readonly<Record<string, unknown>>;
  readonly releases: readonly HelmfileRelease[];
}

/**
 * helmfile.yaml, its `---` parts merged. It is plain YAML (helmfile 1.x only
 * renders files ending in .gotmpl), so it parses without helmfile.
 */
export function readHelmfile(file = HELMFILE): Helmfile {
  let merged: Values = {};
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]}`);
    merged = mergeValues(merged, (document.toJS() ?? {}) as Values);
  }
  const helmfile = merged as unknown as Helmfile;
  return {
    repositories: helmfile.repositories ?? [],
    environments: helmfile.environments ?? {},
    helmDefaults: helmfile.helmDefaults ?? {},
    releases: helmfile.releases ?? [],
  };
}

/**
 * The state values of an environment: its values files and maps, merged in
 * order, then `overrides` (what `--state-values-set` gives helmfile).
 */
export function stateValues(helmfile: Helmfile, environment: string, overrides: Values = {}): Values {
  const spec = helmfile.environments[environment];
  if (!spec) throw new Error(`helmfile.yaml has no environment ${environment}`);
  let values: Values = {};
  for (const entry of spec.values ?? []) {
    values = mergeValues(
      values,
      typeof entry === 'string' ? readValues(path.join(REPOSITORY_ROOT, entry)) : entry,
    );
  }
  return mergeValues(values, overrides);
}

/**
 * `--state-values-set` pairs ("inClusterObjectStorage.enabled=true") as
 * values: dotted keys nest; true, false and numbers are typed, as helmfile
 * reads them.
 */
export function stateValuesSet(pairs: readonly string[]): Values {
  let values: Values = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`not key=value: ${pair}`);
    const raw = pair.slice(at + 1);
    const value =
      raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    const nested = pair
      .slice(0, at)
      .split('.')
      .reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Values;
    values = mergeValues(values, nested);
  }
  return values;
}

/** Whether helmfile processes a release in an environment: its condition holds, or it has none. */
export function releaseEnabled(release: HelmfileRelease, state: Values): boolean {
  if (!release.condition) return true;
  let current: unknown = state;
  for (const key of release.condition.split('.')) {
    current = (current as Values | undefined)?.[key];
  }
  return current === true;
}

const END_MARK = '# end of the rendered values template';

/**
 * Renders a helmfile values template (*.gotmpl) with the state values as
 * `.Values`, using helm's Go template engine (the same text/template with
 * Sprig that helmfile uses; our templates use only functions both have).
 */
export async function renderGotmpl(file: string, state: Values): Promise<string> {
  const chart = path.join(makeTempDir('gotmpl'), 'render');
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: render\nversion: 0.0.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), JSON.stringify(state));
  // A closing comment keeps a template that renders nothing from vanishing
  // from helm's output (--show-only fails on an empty template).
  writeFileSync(path.join(chart, 'templates', 'out.yaml'), `${readFileSync(file, 'utf8')}\n${END_MARK}\n`);
  const result = await helm(['template', 'render', chart, '--show-only', 'templates/out.yaml']);
  if (!result.ok) throw new Error(`${path.basename(file)} does not render:\n${result.stderr}`);
  return result.stdout.replace(/^---\n# Source: [^\n]*\n/, '').replace(`\n${END_MARK}\n`, '\n');
}

/**
 * The values files helmfile passes to `helm upgrade` for a release in an
 * environment, in order: plain files as they are, templates rendered into a
 * temp dir, inline maps written out.
 */
export async function releaseValuesFiles(
  helmfile: Helmfile,
  release: HelmfileRelease,
  environment: string,
  overrides: Values = {},
): Promise<string[]> {
  const state = stateValues(helmfile, environment, overrides);
  const dir = makeTempDir(`helmfile-${environment}`);
  const files: string[] = [];
  for (const [index, entry] of (release.values ?? []).entries()) {
    if (typeof entry !== 'string') {
      const file = path.join(dir, `${index}-inline.yaml`);
      writeFileSync(file, JSON.stringify(entry));
      files.push(file);
    } else if (entry.endsWith('.gotmpl')) {
      const file = path.join(dir, `${index}-${path.basename(entry, '.gotmpl')}`);
      writeFileSync(file, await renderGotmpl(path.join(REPOSITORY_ROOT, entry), state));
      files.push(file);
    } else {
      files.push(path.join(REPOSITORY_ROOT, entry));
    }
  }
  return files;
}

/** The values files helmfile gives a release, merged: what it sets over the chart's defaults. */
export async function releaseValues(
  helmfile: Helmfile,
  release: HelmfileRelease,
  environment: string,
  overrides: Values = {},
): Promise<Values> {
  let values: Values = {};
  for (const file of await releaseValuesFiles(helmfile, release, environment, overrides)) {
    values = mergeValues(values, readValues(file));
  }
  return values;
}

/**
 * The in-cluster object store's release values when the environment installs
 * it (its condition holds), else undefined.
 */
export async function objectStoreValues(
  helmfile: Helmfile,
  environment: string,
  overrides: Values = {},
): Promise<Values | undefined> {
  const store = helmfile.releases.find((release) => release.name === OBJECT_STORE_RELEASE);
  if (!store || !releaseEnabled(store, stateValues(helmfile, environment, overrides))) return undefined;
  return releaseValues(helmfile, store, environment, overrides);
}

/** The effective chart values of a release: the chart's values.yaml, then each values file. */
export function effectiveValues(chartDir: string, valuesFiles: readonly string[]): Values {
  let values = readValues(path.join(chartDir, 'values.yaml'));
  for (const file of valuesFiles) values = mergeValues(values, readValues(file));
  return values;
}
