import type { KubernetesApi } from './kubernetes-api.ts';
import { quantityValue } from './kubernetes-api.ts';

/**
 * What the autoscaling demo watches, through the Kubernetes API: the HPA's
 * metrics against their targets, the replicas it wants, the pods its
 * Deployment runs, and each pod's value of the custom metric as the custom
 * metrics API (prometheus-adapter) serves it.
 */

/** One metric of the HPA: what it reads now (undefined: `<unknown>`) and its target. */
export interface MetricReading {
  /** The metric's name: a Pods metric's own, or the resource's (cpu). */
  readonly name: string;
  readonly kind: 'Pods' | 'Resource';
  readonly current: number | undefined;
  readonly target: number;
  /** How current and target are expressed: an average value per pod, or a utilisation percentage. */
  readonly unit: 'per pod' | '%';
}

export interface PodState {
  readonly name: string;
  readonly ready: boolean;
  readonly terminating: boolean;
}

export interface AutoscalerObservation {
  readonly desired: number;
  readonly current: number;
  readonly min: number;
  readonly max: number;
  readonly metrics: readonly MetricReading[];
  /** Why the HPA cannot scale, when its ScalingActive condition is False. */
  readonly inactive: string | undefined;
  readonly scaleDownWindowSeconds: number;
  readonly pods: readonly PodState[];
  /** The custom metric per pod, from the custom metrics API; empty when it does not answer. */
  readonly podValues: ReadonlyMap<string, number>;
}

/**
 * metrics-ready: the HPA reads every one of its metrics (no `<unknown>`).
 * scaled-up: it wants more replicas than the baseline and that many pods are ready.
 * scaled-down: it wants the baseline again and only that many pods are left.
 */
export type Expectation = 'metrics-ready' | 'scaled-up' | 'scaled-down';
export const EXPECTATIONS: readonly Expectation[] = ['metrics-ready', 'scaled-up', 'scaled-down'];

/** The HPA's default scale-down stabilisation window, when its spec sets none. */
export const DEFAULT_SCALE_DOWN_WINDOW_SECONDS = 300;

interface MetricSpec {
  type: string;
  pods?: { metric: { name: string }; target: { averageValue?: string } };
  resource?: { name: string; target: { averageUtilization?: number; averageValue?: string } };
}
interface MetricStatus {
  type: string;
  pods?: { metric: { name: string }; current: { averageValue?: string } };
  resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } };
}
export interface HorizontalPodAutoscaler {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } };
  };
  status?: {
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: MetricStatus[] | null;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}
interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** The HPA's metrics, each with what it reads now. */
export function metricReadings(hpa: HorizontalPodAutoscaler): MetricReading[] {
  const current = hpa.status?.currentMetrics ?? [];
  return (hpa.spec.metrics ?? []).flatMap((spec): MetricReading[] => {
    if (spec.type === 'Pods' && spec.pods) {
      const name = spec.pods.metric.name;
      const now = current.find((status) => status.pods?.metric.name === name)?.pods?.current.averageValue;
      return [
        {
          name,
          kind: 'Pods',
          current: now === undefined ? undefined : quantityValue(now),
          target: quantityValue(spec.pods.target.averageValue ?? '0'),
          unit: 'per pod',
        },
      ];
    }
    if (spec.type === 'Resource' && spec.resource) {
      const name = spec.resource.name;
      const now = current.find((status) => status.resource?.name === name)?.resource?.current;
      return [
        {
          name,
          kind: 'Resource',
          current: now?.averageUtilization,
          target: spec.resource.target.averageUtilization ?? 0,
          unit: '%',
        },
      ];
    }
    return [];
  });
}

export function podState(pod: Pod): PodState {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return { name: pod.metadata.name, ready, terminating: pod.metadata.deletionTimestamp !== undefined };
}

/** Reads the HPA, the pods of the Deployment it scales, and the custom metric of each pod. */
export async function observe(
  api: KubernetesApi,
  namespace: string,
  name: string,
): Promise<AutoscalerObservation> {
  const hpa = await api.get<HorizontalPodAutoscaler>(
    `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers/${name}`,
  );
  const target = hpa.spec.scaleTargetRef;
  if (target.kind !== 'Deployment') throw new Error(`HPA ${name} scales a ${target.kind}, not a Deployment`);
  const deployment = await api.get<{ spec: { selector: { matchLabels: Record<string, string> } } }>(
    `/apis/apps/v1/namespaces/${namespace}/deployments/${target.name}`,
  );
  const selector = Object.entries(deployment.spec.selector.matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const query = `labelSelector=${encodeURIComponent(selector)}`;
  const pods = await api.get<{ items: Pod[] }>(`/api/v1/namespaces/${namespace}/pods?${query}`);
  const metrics = metricReadings(hpa);
  const podValues = new Map<string, number>();
  const podsMetric = metrics.find((metric) => metric.kind === 'Pods');
  if (podsMetric) {
    try {
      const values = await api.get<{ items: { describedObject: { name: string }; value: string }[] }>(
        `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${namespace}/pods/*/${podsMetric.name}?${query}`,
      );
      for (const item of values.items) podValues.set(item.describedObject.name, quantityValue(item.value));
    } catch {
      // The custom metrics API is down or knows no value yet: the HPA's own reading says as much.
    }
  }
  const active = hpa.status?.conditions?.find((condition) => condition.type === 'ScalingActive');
  return {
    desired: hpa.status?.desiredReplicas ?? 0,
    current: hpa.status?.currentReplicas ?? 0,
    min: hpa.spec.minReplicas ?? 1,
    max: hpa.spec.maxReplicas,
    metrics,
    inactive: active?.status === 'False' ? `${active.reason}: ${active.message ?? ''}`.trim() : undefined,
    scaleDownWindowSeconds:
      hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? DEFAULT_SCALE_DOWN_WINDOW_SECONDS,
    pods: pods.items.map(podState),
    podValues,
  };
}

const running = (observation: AutoscalerObservation) => observation.pods.filter((pod) => !pod.terminating);

/** Whether an observation shows what the demo waits for; `baseline` is the replica count it started from. */
export function meets(
  observation: AutoscalerObservation,
  expectation: Expectation,
  baseline: number,
): boolean {
  const pods = running(observation);
  switch (expectation) {
    case 'metrics-ready':
      return (
        observation.inactive === undefined &&
        observation.metrics.length > 0 &&
        observation.metrics.every((metric) => metric.current !== undefined)
      );
    case 'scaled-up':
      return (
        observation.desired > baseline &&
        pods.length >= observation.desired &&
        pods.filter((pod) => pod.ready).length >= observation.desired
      );
    case 'scaled-down':
      return observation.desired <= baseline && observation.desired > 0 && pods.length <= baseline;
  }
}

const figure = (value: number): string => String(Number(value.toFixed(2)));

function describeMetric(metric: MetricReading): string {
  const now = metric.current === undefined ? '<unknown>' : figure(metric.current);
  return metric.unit === '%'
    ? `${metric.name} ${now}% (target ${figure(metric.target)}%)`
    : `${metric.name} ${now} per pod (target ${figure(metric.target)})`;
}

/** One timeline line: the replicas, the metrics against their targets, and the pods. */
export function describe(observation: AutoscalerObservation): string {
  const pods = running(observation);
  const ready = pods.filter((pod) => pod.ready).length;
  const podList = pods
    .map((pod) => {
      const value = observation.podValues.get(pod.name);
      return `${pod.name}${pod.ready ? '' : ' (starting)'}${value === undefined ? '' : ` ${figure(value)}/s`}`;
    })
    .join(', ');
  return [
    `replicas: desired ${observation.desired}, current ${observation.current} (min ${observation.min}, max ${observation.max})`,
    observation.metrics.map(describeMetric).join('; ') || 'no metrics',
    `pods: ${ready}/${pods.length} ready${podList ? ` [${podList}]` : ''}`,
    ...(observation.inactive ? [`not scaling: ${observation.inactive}`] : []),
  ].join(' | ');
}

export interface WatchOptions {
  readonly api: KubernetesApi;
  readonly namespace: string;
  readonly name: string;
  readonly expectation: Expectation;
  readonly baseline: number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Receives one line per poll. */
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Polls until the expectation is met (returns the observation and how long it took) or the time is up (throws). */
export async function watch(
  options: WatchOptions,
): Promise<{ observation: AutoscalerObservation; tookMs: number }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  let last: AutoscalerObservation | undefined;
  for (;;) {
    try {
      last = await observe(options.api, options.namespace, options.name);
      options.log(describe(last));
      if (meets(last, options.expectation, options.baseline))
        return { observation: last, tookMs: now() - started };
    } catch (error) {
      options.log(`the Kubernetes API is not answering: ${(error as Error).message}`);
    }
    if (now() >= deadline) {
      throw new Error(
        `not ${options.expectation} within ${Math.round(options.timeoutMs / 1000)}s; last seen: ${last ? describe(last) : 'nothing'}`,
      );
    }
    await sleep(options.intervalMs);
  }
}
