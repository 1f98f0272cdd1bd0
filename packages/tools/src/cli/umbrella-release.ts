#!/usr/bin/env node
/**
 * Prepares the umbrella release offline, for scripts that install it without
 * chart repositories (scripts/control-plane-check.sh): a throwaway copy of
 * charts/menagerie with the upstream charts vendored from UPSTREAM_DIR, and
 * the values files helmfile would pass for ENVIRONMENT, rendered.
 *   umbrella-release UPSTREAM_DIR ENVIRONMENT
 * Prints the chart directory on the first line, then one values file a line.
 * Everything is written under $TMPDIR and left there for the caller.
 */
import path from 'node:path';
import { RELEASE } from '@menagerie/contract';
import { umbrellaCopy } from '../charts/charts.ts';
import { readHelmfile, releaseValuesFiles } from '../charts/helmfile.ts';

const [upstreamDir, environment] = process.argv.slice(2);
if (!upstreamDir || !environment) {
  console.error('usage: umbrella-release UPSTREAM_DIR ENVIRONMENT');
  process.exit(2);
}
const helmfile = readHelmfile();
const release = helmfile.releases.find((candidate) => candidate.name === RELEASE);
if (!release) throw new Error(`helmfile.yaml has no release ${RELEASE}`);
const chartDir = umbrellaCopy({ upstreamDir: path.resolve(upstreamDir) });
const valuesFiles = await releaseValuesFiles(helmfile, release, environment);
console.log([chartDir, ...valuesFiles].join('\n'));
