/**
 * Writes charts/menagerie/Chart.lock without the network (the chart
 * repositories are out of reach here and in CI), exactly as
 * `helm dependency update` would lock our pinned versions. An up-to-date lock
 * is left untouched, as Helm leaves it.
 *   node packages/tools/dist/cli/write-chart-lock.js [chart-dir]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { chartLock, formatChartLock } from '../charts/chart-lock.ts';
import { UMBRELLA_DIR } from '../charts/charts.ts';

const chartDir = path.resolve(process.argv[2] ?? UMBRELLA_DIR);
const lockFile = path.join(chartDir, 'Chart.lock');
const lock = chartLock(chartDir, new Date());
const current = existsSync(lockFile)
  ? (parse(readFileSync(lockFile, 'utf8')) as { digest?: string })
  : undefined;
if (current?.digest === lock.digest) {
  console.log(`${path.relative(process.cwd(), lockFile)} is up to date (${lock.digest})`);
} else {
  writeFileSync(lockFile, formatChartLock(lock));
  console.log(`wrote ${path.relative(process.cwd(), lockFile)} (${lock.digest})`);
}
