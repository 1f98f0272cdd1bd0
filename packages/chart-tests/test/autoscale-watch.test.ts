import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { AUTOSCALING_METRIC, NAMESPACE, RELEASE, SERVER } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import {
  type AutoscalerObservation,
  describe as describeObservation,
  type HorizontalPodAutoscaler,
  meets,
  metricReadings,
  watch,
} from '@menagerie/tools/autoscale-watch';
import { umbrellaCopy } from '@menagerie/tools/charts/charts';
import { readHelmfile, releaseValuesFiles } from '@menagerie/tools/charts/helmfile';
import { findObject, type K8sObject, podLabelsOf } from '@menagerie/tools/charts/manifests';
import { kubernetesApi, quantityValue } from '@menagerie/tools/kubernetes-api';
import { expect } from 'chai';
import { allSchemaProblems, render } from './support/render.ts';

const execFileAsync = promisify(execFile);
const { requestsPerSecond } = AUTOSCALING_METRIC;

/** One state of the cluster as the API would show it: what the HPA reads and wants, and the pods. */
interface Moment {
  readonly desired: number;
  readonly current: number;
  /** The HPA's reading of the custom metric per pod; undefined: it has none (<unknown>). */
  readonly perPod?: number;
  readonly cpu?: number;
  /** Pods by readiness; `terminating` ones carry a deletionTimestamp. */
  readonly pods: readonly ('ready' | 'starting' | 'terminating')[];
}

/**
 * The HPA the autoscaling environment renders, with the status the
 * controller would write for a moment: currentMetrics as autoscaling/v2
 * reports them (quantities in milli-units), and its ScalingActive condition.
 */
function hpaAt(rendered: K8sObject, moment: Moment): HorizontalPodAutoscaler & K8sObject {
  const currentMetrics = [
    ...(moment.perPod === undefined
      ? []
      : [
          {
            type: 'Pods',
            pods: {
              metric: { name: requestsPerSecond.name },
              current: { averageValue: `${Math.round(moment.perPod * 1000)}m` },
            },
          },
        ]),
    ...(moment.cpu === undefined
      ? []
      : [
          {
            type: 'Resource',
            resource: { name: 'cpu', current: { averageUtilization: moment.cpu, averageValue: '35m' } },
          },
        ]),
  ];
  const active =
    moment.perPod === undefined
      ? {
          type: 'ScalingActive',
          status: 'False',
          reason: 'FailedGetPodsMetric',
          message: `the HPA was unable to compute the replica count: unable to get metric ${requestsPerSecond.name}`,
          lastTransitionTime: '2026-11-30T12:00:00Z',
        }
      : {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message: 'the HPA was able to successfully calculate a replica count',
          lastTransitionTime: '2026-11-30T12:00:00Z',
        };
  return {
    ...rendered,
    spec: rendered.spec,
    status: {
      currentReplicas: moment.current,
      desiredReplicas: moment.desired,
      currentMetrics,
      conditions: [active],
    },
  } as HorizontalPodAutoscaler & K8sObject;
}

function podsAt(deployment: K8sObject, moment: Moment) {
  return moment.pods.map((state, index) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${SERVER.name}-7d9f8-${String.fromCharCode(97 + index)}`,
      namespace: NAMESPACE,
      labels: podLabelsOf(deployment),
      ...(state === 'terminating' ? { deletionTimestamp: '2026-11-30T12:05:00Z' } : {}),
    },
    spec: deployment.spec.template.spec,
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: state === 'ready' ? 'True' : 'False' }],
    },
  }));
}

/**
 * The Kubernetes API as kubectl proxy serves it, for the HPA, its Deployment,
 * the Deployment's pods (by its selector, or nothing) and the custom metrics
 * API. The n-th read of the HPA sees the n-th moment (the last from then on);
 * the pods and metrics answer for the moment the HPA was last read at.
 */
async function fakeKubernetes(hpa: K8sObject, deployment: K8sObject, moments: readonly Moment[]) {
  let reads = 0;
  const paths: string[] = [];
  const moment = () => moments[Math.min(reads, moments.length) - 1] as Moment;
  const selector = Object.entries(deployment.spec.selector.matchLabels as Record<string, string>)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    paths.push(url.pathname);
    const send = (status: number, body: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(body));
    };
    const base = `/namespaces/${NAMESPACE}`;
    if (url.pathname === `/apis/autoscaling/v2${base}/horizontalpodautoscalers/${hpa.metadata.name}`) {
      reads += 1;
      return send(200, hpaAt(hpa, moment()));
    }
    if (url.pathname === `/apis/apps/v1${base}/deployments/${deployment.metadata.name}`) {
      return send(200, deployment);
    }
    const selected = url.searchParams.get('labelSelector') === selector;
    if (url.pathname === `/api/v1${base}/pods`) {
      return send(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        items: selected ? podsAt(deployment, moment()) : [],
      });
    }
    if (url.pathname === `/apis/custom.metrics.k8s.io/v1beta1${base}/pods/*/${requestsPerSecond.name}`) {
      const { perPod } = moment();
      if (perPod === undefined)
        return send(404, { kind: 'Status', message: 'the server could not find the metric' });
      const pods = podsAt(deployment, moment()).filter((pod) => selected && !pod.metadata.deletionTimestamp);
      return send(200, {
        kind: 'MetricValueList',
        apiVersion: 'custom.metrics.k8s.io/v1beta1',
        items: pods.map((pod) => ({
          describedObject: { kind: 'Pod', namespace: NAMESPACE, name: pod.metadata.name, apiVersion: '/v1' },
          metricName: requestsPerSecond.name,
          timestamp: '2026-11-30T12:00:00Z',
          value: `${Math.round(perPod * 1000)}m`,
        })),
      });
    }
    send(404, { kind: 'Status', message: `no ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, paths };
}

const noSleep = async () => {};

describe('the autoscaling demo: the HPA the autoscaling environment renders, watched through a fake Kubernetes API', () => {
  let hpa: K8sObject;
  let deployment: K8sObject;
  const servers: Server[] = [];

  before(async () => {
    const helmfile = readHelmfile();
    const release = helmfile.releases.find((each) => each.name === RELEASE);
    if (!release) throw new Error(`no release ${RELEASE}`);
    const valuesFiles = await releaseValuesFiles(helmfile, release, 'autoscaling');
    const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
    hpa = findObject(objects, 'HorizontalPodAutoscaler', SERVER.name);
    deployment = findObject(objects, 'Deployment', SERVER.name);
  });
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  const observation = (moment: Moment): AutoscalerObservation => ({
    desired: moment.desired,
    current: moment.current,
    min: hpa.spec.minReplicas,
    max: hpa.spec.maxReplicas,
    metrics: metricReadings(hpaAt(hpa, moment)),
    inactive: undefined,
    scaleDownWindowSeconds: 90,
    pods: moment.pods.map((state, index) => ({
      name: `p${index}`,
      ready: state === 'ready',
      terminating: state === 'terminating',
    })),
    podValues: new Map(),
  });

  it('reads quantities as the API writes them', () => {
    expect([
      quantityValue('10500m'),
      quantityValue('12'),
      quantityValue('1.5k'),
      quantityValue('128Mi'),
    ]).to.deep.equal([10.5, 12, 1500, 128 * 2 ** 20]);
    expect(() => quantityValue('ten')).to.throw('not a quantity');
  });

  it('builds its fake objects as valid autoscaling/v2 and v1 objects', async () => {
    const moment: Moment = { desired: 2, current: 1, perPod: 20, cpu: 40, pods: ['ready', 'starting'] };
    expect(await allSchemaProblems([hpaAt(hpa, moment), ...podsAt(deployment, moment)])).to.deep.equal([]);
  });

  it("reads the HPA's two metrics against the targets the chart sets: the adapter's requests per second, then CPU", () => {
    const readings = metricReadings(hpaAt(hpa, { desired: 2, current: 2, perPod: 19.5, cpu: 35, pods: [] }));
    expect(readings).to.deep.equal([
      { name: requestsPerSecond.name, kind: 'Pods', current: 19.5, target: 10, unit: 'per pod' },
      { name: 'cpu', kind: 'Resource', current: 35, target: 70, unit: '%' },
    ]);
  });

  it('says <unknown> and why, while the custom metric is not served, and does not call that ready', async () => {
    const api = await fakeKubernetes(hpa, deployment, [{ desired: 1, current: 1, cpu: 12, pods: ['ready'] }]);
    servers.push(api.server);
    const lines: string[] = [];
    const failure = await watch({
      api: kubernetesApi(api.url),
      namespace: NAMESPACE,
      name: SERVER.name,
      expectation: 'metrics-ready',
      baseline: 1,
      timeoutMs: 0,
      intervalMs: 0,
      sleep: noSleep,
      log: (line) => lines.push(line),
    }).catch((error: Error) => error);
    expect(failure).to.be.instanceOf(Error);
    expect(lines[0]).to.include(`${requestsPerSecond.name} <unknown> per pod (target 10)`);
    expect(lines[0]).to.include('cpu 12% (target 70%)').and.include('not scaling: FailedGetPodsMetric');
  });

  it('sees the scale-up only once the HPA wants more replicas and that many pods are ready', () => {
    expect(
      meets(observation({ desired: 1, current: 1, perPod: 5, cpu: 20, pods: ['ready'] }), 'scaled-up', 1),
    ).to.equal(false);
    expect(
      meets(observation({ desired: 4, current: 1, perPod: 40, cpu: 90, pods: ['ready'] }), 'scaled-up', 1),
      'wanted, not yet running',
    ).to.equal(false);
    expect(
      meets(
        observation({
          desired: 4,
          current: 4,
          perPod: 10,
          cpu: 40,
          pods: ['ready', 'ready', 'ready', 'starting'],
        }),
        'scaled-up',
        1,
      ),
      'one pod still starting',
    ).to.equal(false);
    expect(
      meets(
        observation({
          desired: 4,
          current: 4,
          perPod: 10,
          cpu: 40,
          pods: ['ready', 'ready', 'ready', 'ready'],
        }),
        'scaled-up',
        1,
      ),
    ).to.equal(true);
  });

  it('sees the scale-down only once the HPA wants the baseline again and the other pods are gone', () => {
    const settled = ['ready', 'ready', 'ready', 'ready'] as const;
    expect(
      meets(observation({ desired: 4, current: 4, perPod: 1, cpu: 5, pods: settled }), 'scaled-down', 1),
    ).to.equal(false);
    expect(
      meets(
        observation({
          desired: 1,
          current: 4,
          perPod: 1,
          cpu: 5,
          pods: ['ready', 'ready', 'ready', 'ready'],
        }),
        'scaled-down',
        1,
      ),
      'wanted, pods not gone',
    ).to.equal(false);
    expect(
      meets(
        observation({
          desired: 1,
          current: 1,
          perPod: 5,
          cpu: 5,
          pods: ['ready', 'terminating', 'terminating'],
        }),
        'scaled-down',
        1,
      ),
      'the rest are terminating',
    ).to.equal(true);
  });

  it('watches a scale-up through the API, printing the replicas, both metrics and each pod with its own rate', async () => {
    const api = await fakeKubernetes(hpa, deployment, [
      { desired: 1, current: 1, perPod: 5, cpu: 20, pods: ['ready'] },
      { desired: 4, current: 1, perPod: 39.6, cpu: 95, pods: ['ready'] },
      { desired: 4, current: 4, perPod: 20, cpu: 60, pods: ['ready', 'ready', 'starting', 'starting'] },
      { desired: 4, current: 4, perPod: 10.1, cpu: 40, pods: ['ready', 'ready', 'ready', 'ready'] },
      { desired: 1, current: 1, perPod: 1, cpu: 1, pods: ['ready'] },
    ]);
    servers.push(api.server);
    const lines: string[] = [];
    const { observation: seen } = await watch({
      api: kubernetesApi(api.url),
      namespace: NAMESPACE,
      name: SERVER.name,
      expectation: 'scaled-up',
      baseline: 1,
      timeoutMs: 60_000,
      intervalMs: 0,
      sleep: noSleep,
      log: (line) => lines.push(line),
    });
    expect(lines).to.have.length(4);
    expect(seen.desired).to.equal(4);
    expect(lines[1]).to.include('replicas: desired 4, current 1 (min 1, max 4)');
    expect(lines[1])
      .to.include(`${requestsPerSecond.name} 39.6 per pod (target 10)`)
      .and.include('cpu 95% (target 70%)');
    expect(lines[2]).to.include('pods: 2/4 ready').and.include(`${SERVER.name}-7d9f8-c (starting) 20/s`);
    expect(lines[3]).to.include('pods: 4/4 ready').and.include(`${SERVER.name}-7d9f8-d 10.1/s`);
    expect(api.paths).to.include(
      `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${NAMESPACE}/pods/*/${requestsPerSecond.name}`,
    );
  });

  it('gives up at the deadline with what it saw last, and reports an API that does not answer', async () => {
    const api = await fakeKubernetes(hpa, deployment, [
      { desired: 1, current: 1, perPod: 2, cpu: 3, pods: ['ready'] },
    ]);
    servers.push(api.server);
    let clock = 0;
    const lines: string[] = [];
    const failure = await watch({
      api: kubernetesApi(api.url),
      namespace: NAMESPACE,
      name: SERVER.name,
      expectation: 'scaled-up',
      baseline: 1,
      timeoutMs: 30_000,
      intervalMs: 10_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      log: (line) => lines.push(line),
    }).catch((error: Error) => error);
    expect((failure as Error).message)
      .to.include('not scaled-up within 30s')
      .and.include('desired 1, current 1');
    expect(lines).to.have.length(4);
    const gone = await watch({
      api: kubernetesApi(`${api.url}/nowhere`),
      namespace: NAMESPACE,
      name: SERVER.name,
      expectation: 'scaled-up',
      baseline: 1,
      timeoutMs: 0,
      intervalMs: 0,
      log: (line) => lines.push(line),
    }).catch((error: Error) => error);
    expect(gone).to.be.instanceOf(Error);
    expect(lines.at(-1)).to.include('the Kubernetes API is not answering').and.include('404');
  });

  it('runs as the script runs it: exits 0 on the scale-down and names the stabilisation window', async () => {
    const api = await fakeKubernetes(hpa, deployment, [
      { desired: 4, current: 4, perPod: 2, cpu: 10, pods: ['ready', 'ready', 'ready', 'ready'] },
      {
        desired: 1,
        current: 1,
        perPod: 8,
        cpu: 10,
        pods: ['ready', 'terminating', 'terminating', 'terminating'],
      },
    ]);
    servers.push(api.server);
    const cli = path.join(REPOSITORY_ROOT, 'packages/tools/dist/cli/autoscale-watch.js');
    const args = [
      '--api',
      api.url,
      '--namespace',
      NAMESPACE,
      '--hpa',
      SERVER.name,
      '--baseline',
      '1',
      '--interval',
      '0',
    ];
    const { stdout } = await execFileAsync(process.execPath, [
      cli,
      ...args,
      '--expect',
      'scaled-down',
      '--timeout',
      '30',
    ]);
    const window = hpa.spec.behavior.scaleDown.stabilizationWindowSeconds;
    expect(stdout).to.match(
      new RegExp(
        `back to 1 pod\\(s\\) \\d+s after the rate dropped \\(scale-down stabilisation window: ${window}s\\)`,
      ),
    );
    const usage = await execFileAsync(process.execPath, [cli, ...args, '--expect', 'sideways']).catch(
      (error) => error,
    );
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include('--expect must be one of metrics-ready, scaled-up, scaled-down');
    const late = await execFileAsync(process.execPath, [
      cli,
      ...args,
      '--expect',
      'scaled-up',
      '--timeout',
      '0',
    ]).catch((error) => error);
    expect(late.code).to.equal(1);
    expect(late.stderr).to.include('not scaled-up within 0s');
  });

  it('describes an observation on one line', () => {
    const line = describeObservation(
      observation({ desired: 2, current: 2, perPod: 10, cpu: 30, pods: ['ready', 'ready'] }),
    );
    expect(line.split('\n')).to.have.length(1);
    expect(line).to.include('pods: 2/2 ready [p0, p1]');
  });
});
