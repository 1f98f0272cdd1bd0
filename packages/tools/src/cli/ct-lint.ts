#!/usr/bin/env node
/**
 * `ct lint` with tools/ct.yaml (ct, yamllint and yamale on PATH: ensure_chart_testing
 * in scripts/lib/toolchain.sh), offline: every chart changed since the base
 * revision must have a higher version, and passes yamllint, the Chart.yaml
 * schema and helm lint --strict. --all lints every chart, without the version check.
 *   node packages/tools/dist/cli/ct-lint.js [--base REVISION] [--all]
 * The base is MENAGERIE_CHART_BASE, else the commit before HEAD.
 */
import { chartBase, ctLint } from '../charts/chart-testing.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--base');
const base = at >= 0 ? argv[at + 1] : chartBase();
if (!base || argv.some((arg, i) => arg !== '--all' && i !== at && i !== at + 1)) {
  console.error('usage: ct-lint.js [--base REVISION] [--all]');
  process.exit(2);
}
const result = await ctLint({ base, all: argv.includes('--all') });
process.stdout.write(result.output);
process.exitCode = result.ok ? 0 : 1;
