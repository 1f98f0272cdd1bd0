#!/usr/bin/env node
import { UPSTREAM_CHARTS_ENV } from '../observability/programs.ts';
/**
 * Writes the configuration compose.yaml mounts into .compose/, from the
 * umbrella rendered (helmfile's default environment) against the upstream
 * charts unpacked in MENAGERIE_UPSTREAM_CHARTS. scripts/compose-up.sh runs it
 * before `docker compose up`. PAGING_ROUTING_KEY, when set, is the paging key
 * Alertmanager reads.
 */
import { renderRelease } from '../observability/rendered.ts';
import { readCompose } from './compose-file.ts';
import { ComposeMismatchError, generateComposeFiles, writeComposeFiles } from './generate.ts';

async function main(): Promise<number> {
  const upstream = process.env[UPSTREAM_CHARTS_ENV];
  if (!upstream) {
    console.error(
      `${UPSTREAM_CHARTS_ENV} must name the folder of unpacked upstream charts (docs/compose.md)`,
    );
    return 2;
  }
  try {
    const objects = await renderRelease(upstream, 'default');
    const files = generateComposeFiles(readCompose(), objects, process.env.PAGING_ROUTING_KEY || undefined);
    writeComposeFiles(files);
    console.log(
      `compose: ${Object.keys(files).length} files written to .compose/ from ${objects.length} rendered objects`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ComposeMismatchError)) throw error;
    console.error(error.message);
    return 1;
  }
}

process.exitCode = await main();
