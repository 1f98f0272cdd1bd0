import { COMMON_METRICS, EXEMPLAR_LABEL, type MetricDefinition } from '@menagerie/contract';
import type { Resource } from '@opentelemetry/resources';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import { registerTargetInfo } from './target-info.ts';
import { SPAN_DROP_REASONS } from './tracing.ts';

type MetricFor<D extends MetricDefinition> = D['type'] extends 'counter'
  ? Counter<string>
  : D['type'] extends 'gauge'
    ? Gauge<string>
    : Histogram<string>;

export type MetricSet<T extends Record<string, MetricDefinition>> = { [K in keyof T]: MetricFor<T[K]> };

export interface MetricOptions {
  /** Record trace-id exemplars on histograms (served only as OpenMetrics). */
  exemplars?: boolean;
  /**
   * Gauges without labels whose value is read when they are scraped, by
   * metric name: a value the program already keeps (a count, a size) then
   * costs nothing on the request path.
   */
  readAtScrape?: Readonly<Record<string, () => number>>;
}

/**
 * The one place a contract definition becomes a prom-client metric: name,
 * help, labels and buckets come from the definition and nowhere else.
 */
export function metricFromDefinition(
  registry: Registry,
  definition: MetricDefinition,
  options: MetricOptions = {},
): Counter<string> | Gauge<string> | Histogram<string> {
  const base = {
    name: definition.name,
    help: definition.help,
    labelNames: [...definition.labels],
    registers: [] as Registry[],
  };
  let metric: Counter<string> | Gauge<string> | Histogram<string>;
  switch (definition.type) {
    case 'counter':
      metric = new Counter(base);
      break;
    case 'gauge': {
      const read = options.readAtScrape?.[definition.name];
      metric = new Gauge(
        read
          ? {
              ...base,
              collect() {
                this.set(read());
              },
            }
          : base,
      );
      break;
    }
    case 'histogram':
      if (!definition.buckets) throw new Error(`histogram ${definition.name} has no buckets`);
      metric = new Histogram({
        ...base,
        buckets: [...definition.buckets],
        enableExemplars: options.exemplars === true,
      });
      break;
  }
  // Registered by hand: prom-client refuses exemplar histograms on a registry
  // whose default format is the plain text one, but this registry serves both
  // formats (see renderMetrics).
  registry.registerMetric(metric as Metric);
  return metric;
}

export function createMetricSet<T extends Record<string, MetricDefinition>>(
  registry: Registry,
  definitions: T,
  options: MetricOptions = {},
): MetricSet<T> {
  const set: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(definitions)) {
    set[key] = metricFromDefinition(registry, definition, options);
  }
  return set as MetricSet<T>;
}

/**
 * Default metrics that are gauges with a `_total` name, which promtool's
 * lint rejects. The same numbers stay available, by type and without the
 * suffix (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources).
 */
export const GAUGES_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

export interface CommonMetrics {
  registry: Registry;
  common: MetricSet<typeof COMMON_METRICS>;
}

/**
 * A registry with the default process and Node.js metrics, the build info
 * gauge and the dropped-spans counter, which both services expose, and
 * target_info when the service's OpenTelemetry resource is given.
 */
export function createRegistry(
  build: { version: string; revision: string },
  resource?: Resource,
): CommonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (resource) registerTargetInfo(registry, resource);
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  const common = createMetricSet(registry, COMMON_METRICS);
  common.buildInfo.set({ version: build.version, revision: build.revision }, 1);
  // Every reason from the start at 0: the series exists in every scrape, and
  // rate() counts the first dropped span instead of taking it as the start.
  for (const reason of SPAN_DROP_REASONS) common.spansDropped.labels(reason).inc(0);
  return { registry, common };
}

/**
 * Caches prom-client label children per label combination, so the hot path
 * does not hash a label object on every update. Callers pass label values in
 * the metric's label order.
 */
export function labelChildren<C>(create: (...values: string[]) => C): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = create(...values);
      children.set(key, child);
    }
    return child;
  };
}

export interface DurationRecorder {
  /** Observes seconds for these label values; a trace id becomes the bucket's exemplar. */
  observe(labelValues: readonly string[], seconds: number, traceId: string | undefined): void;
}

/**
 * How long a bucket's exemplar stands before a new observation may replace
 * it. Prometheus reads one exemplar per bucket per scrape (every 15 s or so),
 * so replacing it on every request is work nobody sees; once a second keeps
 * every bucket's exemplar fresh, and a rarely hit bucket (the slow requests)
 * still gets the trace of its very first observation.
 */
export const EXEMPLAR_REFRESH_MS = 1000;

/** Index of the bucket a value falls in (the last index is +Inf). */
function bucketIndex(upperBounds: readonly number[], value: number): number {
  for (let i = 0; i < upperBounds.length; i++) if (value <= (upperBounds[i] as number)) return i;
  return upperBounds.length;
}

/** `exemplars` must match how the histogram was created (see MetricOptions). */
export function durationRecorder(
  histogram: Histogram<string>,
  labelNames: readonly string[],
  exemplars: boolean,
  now: () => number = () => performance.now(),
): DurationRecorder {
  const upperBounds = (histogram as unknown as { upperBounds: readonly number[] }).upperBounds;
  const series = labelChildren((...values) => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < labelNames.length; i++) labels[labelNames[i] as string] = values[i] as string;
    return {
      child: histogram.labels(...values),
      labels,
      // When each bucket's exemplar was last replaced.
      exemplarAt: new Float64Array(upperBounds.length + 1).fill(Number.NEGATIVE_INFINITY),
    };
  });
  return {
    observe(labelValues, seconds, traceId) {
      const { child, labels, exemplarAt } = series(...labelValues);
      if (traceId === undefined || !exemplars) {
        child.observe(seconds);
        return;
      }
      const bucket = bucketIndex(upperBounds, seconds);
      const at = now();
      if (at - (exemplarAt[bucket] as number) < EXEMPLAR_REFRESH_MS) {
        child.observe(seconds);
        return;
      }
      exemplarAt[bucket] = at;
      histogram.observe({ labels, value: seconds, exemplarLabels: { [EXEMPLAR_LABEL.traceId]: traceId } });
    },
  };
}

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export type ExpositionFormat = 'openmetrics' | 'text';

export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept?.includes('application/openmetrics-text') ? 'openmetrics' : 'text';
}

interface MetricRenderer {
  getMetricsAsString(metric: { get(): Promise<unknown> }): Promise<string>;
}

// Renders single metrics only; it never holds any.
// (prom-client's typings omit both the constructor's content type argument and
// getMetricsAsString, hence the casts.)
const RendererRegistry = Registry as unknown as new (contentType: string) => MetricRenderer;
const openMetricsRenderer = new RendererRegistry(Registry.OPENMETRICS_CONTENT_TYPE);

/**
 * Serialises the registry in the format the scraper asked for. Plain text
 * comes straight from prom-client. OpenMetrics is rendered metric by metric
 * with a renderer registry instead of switching the registry's content type:
 * prom-client's own OpenMetrics path renames counters in place (drops their
 * `_total`), which would corrupt every later plain-text scrape.
 */
export async function renderMetrics(
  registry: Registry,
  format: ExpositionFormat,
): Promise<{ contentType: string; body: string }> {
  if (format === 'text') return { contentType: PROMETHEUS_CONTENT_TYPE, body: await registry.metrics() };
  const parts = await Promise.all(
    registry.getMetricsAsArray().map((metric) => {
      const source = metric as unknown as { type: string; get(): Promise<{ name: string }> };
      const target =
        source.type === 'counter'
          ? {
              get: async () => {
                const data = await source.get();
                return { ...data, name: data.name.replace(/_total$/, '') };
              },
            }
          : source;
      return openMetricsRenderer.getMetricsAsString(target);
    }),
  );
  return { contentType: OPENMETRICS_CONTENT_TYPE, body: `${parts.join('\n')}\n# EOF\n` };
}
