import { createHash } from 'node:crypto';
import path from 'node:path';
import { type ChartDependency, isLocalDependency, readChart } from './charts.ts';

/** A locked dependency: what Helm's resolver writes into Chart.lock. */
export interface LockedDependency {
  readonly name: string;
  readonly repository: string;
  readonly version: string;
}

export interface ChartLock {
  readonly dependencies: readonly LockedDependency[];
  readonly digest: string;
  readonly generated: string;
}

/**
 * Go's encoding/json escapes <, > and & (and U+2028/2029) in strings; Helm
 * hashes that encoding, so a version range such as ">=1.0" must be escaped
 * the same way to give the same digest.
 */
function goJsonString(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * A dependency as Go's json.Marshal writes Helm's chart.Dependency: fields in
 * struct order, `repository` always present, the others omitted when empty
 * (`omitempty`). Helm never sets `enabled` before hashing.
 */
function goJsonDependency(
  dependency: Partial<ChartDependency> & { name: string; repository: string },
): string {
  const fields: string[] = [`"name":${goJsonString(dependency.name)}`];
  if (dependency.version) fields.push(`"version":${goJsonString(dependency.version)}`);
  fields.push(`"repository":${goJsonString(dependency.repository)}`);
  if (dependency.condition) fields.push(`"condition":${goJsonString(dependency.condition)}`);
  if (dependency.tags?.length) fields.push(`"tags":[${dependency.tags.map(goJsonString).join(',')}]`);
  if (dependency['import-values']?.length) {
    throw new Error(`${dependency.name}: import-values is not supported by this lock writer`);
  }
  if (dependency.alias) fields.push(`"alias":${goJsonString(dependency.alias)}`);
  return `{${fields.join(',')}}`;
}

/**
 * Helm's resolver.HashReq: "sha256:" + the hex SHA-256 of the JSON of
 * [requested dependencies, locked dependencies]. `helm dependency build`
 * refuses a Chart.lock whose digest differs ("out of sync").
 */
export function hashRequirements(
  requested: readonly ChartDependency[],
  locked: readonly LockedDependency[],
): string {
  const json = `[[${requested.map(goJsonDependency).join(',')}],[${locked.map(goJsonDependency).join(',')}]]`;
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/**
 * Locks a chart's dependencies the way Helm's resolver does, without the
 * network: a file:// dependency locks to the version in its Chart.yaml, a
 * repository dependency to its version, which must be exact (the lock is
 * written offline, so a range cannot be resolved against an index).
 */
export function lockDependencies(chartDir: string): LockedDependency[] {
  return (readChart(chartDir).dependencies ?? []).map((dependency) => {
    if (isLocalDependency(dependency)) {
      const local = readChart(path.resolve(chartDir, dependency.repository.slice('file://'.length)));
      return { name: dependency.name, repository: dependency.repository, version: local.version };
    }
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(dependency.version)) {
      throw new Error(
        `${dependency.name}: version ${dependency.version} is not exact; pin it to lock offline`,
      );
    }
    return { name: dependency.name, repository: dependency.repository, version: dependency.version };
  });
}

export function chartLock(chartDir: string, generated: Date): ChartLock {
  const requested = readChart(chartDir).dependencies ?? [];
  const locked = lockDependencies(chartDir);
  return {
    dependencies: locked,
    digest: hashRequirements(requested, locked),
    generated: generated.toISOString(),
  };
}

/**
 * Chart.lock as Helm writes it: keys in alphabetical order (sigs.k8s.io/yaml
 * sorts them), list items unindented, the timestamp quoted.
 */
export function formatChartLock(lock: ChartLock): string {
  const lines = ['dependencies:'];
  for (const { name, repository, version } of lock.dependencies) {
    lines.push(`- name: ${name}`, `  repository: ${repository}`, `  version: ${version}`);
  }
  lines.push(`digest: ${lock.digest}`, `generated: ${JSON.stringify(lock.generated)}`);
  return `${lines.join('\n')}\n`;
}
