/**
 * The repository's single sources for tool versions, read the way the
 * scripts read them: .node-version, "packageManager" and "engines" in
 * package.json, and HELM_VERSION in scripts/lib/toolchain.sh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { REPO_ROOT } from './workflows.ts';

export interface PinnedVersions {
  readonly node: string;
  readonly nodeMinimum: string;
  readonly pnpm: string;
  readonly helm: string;
}

export function pinnedVersions(root: string = REPO_ROOT): PinnedVersions {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    packageManager?: string;
    engines?: { node?: string };
  };
  const node = readFileSync(join(root, '.node-version'), 'utf8').trim();
  const pnpm = pkg.packageManager?.match(/^pnpm@(.+)$/)?.[1];
  const nodeMinimum = pkg.engines?.node ? semver.minVersion(pkg.engines.node)?.version : undefined;
  const toolchain = readFileSync(join(root, 'scripts/lib/toolchain.sh'), 'utf8');
  const helm = toolchain.match(/^HELM_VERSION=(\S+)$/m)?.[1];
  if (!pnpm || !nodeMinimum || !helm) {
    throw new Error('cannot read the pinned pnpm, the Node minimum or HELM_VERSION from the repository');
  }
  return { node, nodeMinimum, pnpm, helm };
}
