/**
 * Waits until the server's HPA reads its metrics (`--expect metrics-ready`),
 * has scaled up past the baseline with the new pods ready (`scaled-up`), or is
 * back at the baseline (`scaled-down`), printing one timeline line per poll.
 * Exits 0 when it saw it, 1 when the time ran out. It reads the Kubernetes API
 * through `kubectl proxy`; scripts/autoscale-demo.sh drives it.
 *   node packages/tools/dist/cli/autoscale-watch.js --api URL --namespace NS --hpa NAME
 *        --expect metrics-ready|scaled-up|scaled-down --baseline N
 *        [--timeout 600] [--interval 10] [--since EPOCH_MS]
 */
import { parseArgs } from 'node:util';
import { EXPECTATIONS, type Expectation, watch } from '../autoscale-watch.ts';
import { kubernetesApi } from '../kubernetes-api.ts';

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    namespace: { type: 'string' },
    hpa: { type: 'string' },
    expect: { type: 'string' },
    baseline: { type: 'string' },
    timeout: { type: 'string', default: '600' },
    interval: { type: 'string', default: '10' },
    since: { type: 'string' },
  },
});

function usage(problem: string): never {
  console.error(`autoscale-watch: ${problem}`);
  process.exit(2);
}

const expectation = values.expect as Expectation;
if (!EXPECTATIONS.includes(expectation)) usage(`--expect must be one of ${EXPECTATIONS.join(', ')}`);
if (!values.api) usage('--api URL (kubectl proxy) is required');
if (!values.namespace || !values.hpa) usage('--namespace and --hpa are required');
const baseline = Number(values.baseline);
if (!Number.isInteger(baseline) || baseline < 1)
  usage('--baseline must be the replica count it started from');
const since = values.since ? Number(values.since) : Date.now();

const stamp = () => `T+${String(Math.round((Date.now() - since) / 1000)).padStart(4)}s`;
try {
  const { observation, tookMs } = await watch({
    api: kubernetesApi(values.api),
    namespace: values.namespace,
    name: values.hpa,
    expectation,
    baseline,
    timeoutMs: Number(values.timeout) * 1000,
    intervalMs: Number(values.interval) * 1000,
    log: (line) => console.log(`${stamp()}  ${line}`),
  });
  const seconds = Math.round(tookMs / 1000);
  if (expectation === 'scaled-up') {
    console.log(`${stamp()}  scaled up to ${observation.desired} ready pods in ${seconds}s`);
  }
  if (expectation === 'scaled-down') {
    console.log(
      `${stamp()}  back to ${observation.desired} pod(s) ${seconds}s after the rate dropped (scale-down stabilisation window: ${observation.scaleDownWindowSeconds}s)`,
    );
  }
} catch (error) {
  console.error(`${stamp()}  ${(error as Error).message}`);
  process.exit(1);
}
