/**
 * The repository's single sources for tool versions, the files the scripts
 * read them from: .node-version, .helm-version, "packageManager" and
 * "engines" in package.json, and .go-tools.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import semver from 'semver';

export interface PinnedVersions {
  readonly node: string;
  readonly nodeMinimum: string;
  readonly pnpm: string;
  readonly helm: string;
}

export function pinnedVersions(root: string = REPOSITORY_ROOT): PinnedVersions {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    packageManager?: string;
    engines?: { node?: string };
  };
  const node = readFileSync(join(root, '.node-version'), 'utf8').trim();
  const pnpm = pkg.packageManager?.match(/^pnpm@(.+)$/)?.[1];
  const nodeMinimum = pkg.engines?.node ? semver.minVersion(pkg.engines.node)?.version : undefined;
  const helm = readFileSync(join(root, '.helm-version'), 'utf8').trim();
  if (!pnpm || !nodeMinimum || !helm) {
    throw new Error('cannot read the pinned pnpm, the Node minimum or .helm-version from the repository');
  }
  return { node, nodeMinimum, pnpm, helm };
}

/** A Go program of .go-tools: a command's package in a module, at a version. */
export interface GoTool {
  readonly name: string;
  readonly module: string;
  readonly version: string;
  /** The full package path `go install` builds. */
  readonly pkg: string;
}

/** .go-tools, by binary name. */
export function pinnedGoTools(root: string = REPOSITORY_ROOT): Readonly<Record<string, GoTool>> {
  const tools: Record<string, GoTool> = {};
  for (const line of readFileSync(join(root, '.go-tools'), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^(\S+)\s+(\S+)@(v\d+\.\d+\.\d+)\s+(\S+)$/.exec(line.trim());
    if (!match) throw new Error(`.go-tools: "${line}" is not "NAME MODULE@vX.Y.Z PACKAGE"`);
    const [, name, module, version, pkg] = match as unknown as [string, string, string, string, string];
    tools[name] = { name, module, version, pkg: `${module}/${pkg}` };
  }
  return tools;
}
