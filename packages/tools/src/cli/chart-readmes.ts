#!/usr/bin/env node
/**
 * Writes every chart's README.md with helm-docs (on PATH: scripts/chart-readmes.sh
 * installs the pinned one) from its values.yaml comments.
 *   node packages/tools/dist/cli/chart-readmes.js
 */
import path from 'node:path';
import { CHARTS_DIR } from '../charts/charts.ts';
import { chartDirs, generateReadmes } from '../charts/readmes.ts';

await generateReadmes(CHARTS_DIR);
for (const dir of chartDirs(CHARTS_DIR)) console.log(`wrote ${path.relative(process.cwd(), dir)}/README.md`);
