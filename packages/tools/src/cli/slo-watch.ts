/**
 * Waits until Prometheus shows the server breaking its availability SLO
 * (`--expect breach`) or running within it (`--expect healthy`) at a given
 * version, printing one timeline line per poll. Exits 0 when it saw it, 1
 * when the time ran out. scripts/rollback-demo.sh drives it.
 *   node packages/tools/dist/cli/slo-watch.js --prometheus URL --expect breach|healthy
 *        --version V [--timeout 600] [--interval 10] [--since EPOCH_MS] [--threshold RATIO]
 */
import { parseArgs } from 'node:util';
import { prometheusApi } from '../prometheus-api.ts';
import { ERROR_BUDGET_RATIO, type Expectation, watch } from '../slo-watch.ts';

const { values } = parseArgs({
  options: {
    prometheus: { type: 'string' },
    expect: { type: 'string' },
    version: { type: 'string' },
    timeout: { type: 'string', default: '600' },
    interval: { type: 'string', default: '10' },
    since: { type: 'string' },
    threshold: { type: 'string', default: String(ERROR_BUDGET_RATIO) },
    window: { type: 'string', default: '1m' },
  },
});

function usage(problem: string): never {
  console.error(`slo-watch: ${problem}`);
  process.exit(2);
}

const expectation = values.expect;
if (expectation !== 'breach' && expectation !== 'healthy') usage('--expect must be breach or healthy');
if (!values.prometheus) usage('--prometheus URL is required');
if (!values.version) usage('--version is required');
const since = values.since ? Number(values.since) : Date.now();
const threshold = Number(values.threshold);
if (!(threshold >= 0 && threshold < 1)) usage('--threshold must be a ratio in [0, 1)');

const stamp = () => `T+${String(Math.round((Date.now() - since) / 1000)).padStart(4)}s`;
try {
  await watch({
    api: prometheusApi(values.prometheus, { timeoutMs: 5_000 }),
    expectation: expectation as Expectation,
    version: values.version,
    threshold,
    timeoutMs: Number(values.timeout) * 1000,
    intervalMs: Number(values.interval) * 1000,
    window: values.window,
    log: (line) => console.log(`${stamp()}  ${line}`),
  });
} catch (error) {
  console.error(`${stamp()}  ${(error as Error).message}`);
  process.exit(1);
}
