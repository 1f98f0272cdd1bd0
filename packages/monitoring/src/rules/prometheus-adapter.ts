import { AUTOSCALING_METRIC, RESOURCE_METRIC_SOURCE, TARGET_LABEL } from '@menagerie/contract';
import { regexLiteral } from '../promql.ts';
import { apiRoutes } from '../queries/scope.ts';

/**
 * prometheus-adapter's whole configuration (its config.yaml), beside the
 * Prometheus rules: the one custom metric the server's HPA scales on, and the
 * resource metrics (CPU and memory) that kind's missing metrics-server would
 * otherwise serve. The adapter fills in <<.Series>>, <<.LabelMatchers>> and
 * <<.GroupBy>> for each request (see substituteAdapterQuery).
 */

const { namespace, pod, container } = TARGET_LABEL;

/** Kubernetes resources by the series labels that name them. */
const POD_RESOURCES = { overrides: { [namespace]: { resource: 'namespace' }, [pod]: { resource: 'pod' } } };

export interface AdapterRule {
  readonly seriesQuery: string;
  readonly resources: typeof POD_RESOURCES;
  readonly name: { readonly matches: string; readonly as: string };
  readonly metricsQuery: string;
}

export interface ResourceRule {
  readonly containerQuery: string;
  readonly nodeQuery: string;
  readonly resources: { readonly overrides: Record<string, { resource: string }> };
  readonly containerLabel: string;
}

export interface AdapterConfig {
  readonly rules: readonly AdapterRule[];
  readonly resourceRules: {
    readonly cpu: ResourceRule;
    readonly memory: ResourceRule;
    readonly window: string;
  };
}

const { requestsPerSecond } = AUTOSCALING_METRIC;

/**
 * API requests per second, per pod: the rate of the request histogram's count
 * on the SLI routes (user traffic; scrapes and probes are left out).
 */
export const requestsPerSecondRule: AdapterRule = {
  seriesQuery: `${requestsPerSecond.series}{${namespace}!="",${pod}!=""}`,
  resources: POD_RESOURCES,
  name: { matches: `^${regexLiteral(requestsPerSecond.series)}$`, as: requestsPerSecond.name },
  metricsQuery: `sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>,${apiRoutes}}[${requestsPerSecond.window}]))`,
};

/**
 * Pod figures as metrics-server reports them: the working set and CPU of each
 * container from cAdvisor. kube-prometheus-stack drops cAdvisor's node-level
 * series, so a node's figure is the sum of the containers on it.
 */
function resourceRule(series: string, over: (selector: string) => string): ResourceRule {
  const selector = `${series}{<<.LabelMatchers>>,${container}!="",${pod}!=""}`;
  return {
    containerQuery: `sum by (<<.GroupBy>>) (${over(selector)})`,
    nodeQuery: `sum by (<<.GroupBy>>) (${over(selector)})`,
    resources: { overrides: { node: { resource: 'node' }, ...POD_RESOURCES.overrides } },
    containerLabel: container,
  };
}

export function prometheusAdapterConfig(): AdapterConfig {
  const { window } = RESOURCE_METRIC_SOURCE;
  return {
    rules: [requestsPerSecondRule],
    resourceRules: {
      cpu: resourceRule(RESOURCE_METRIC_SOURCE.cpu.name, (s) => `rate(${s}[${window}])`),
      memory: resourceRule(RESOURCE_METRIC_SOURCE.memory.name, (s) => s),
      window,
    },
  };
}

/**
 * A query as the adapter sends it to Prometheus for some pods of a
 * namespace: its Go template filled in the way the adapter fills it.
 */
export function substituteAdapterQuery(
  query: string,
  fill: { series: string; namespace: string; pods: readonly string[]; groupBy?: string },
): string {
  const matchers = `${namespace}=${JSON.stringify(fill.namespace)},${pod}=~${JSON.stringify(fill.pods.map(regexLiteral).join('|'))}`;
  return query
    .replaceAll('<<.Series>>', fill.series)
    .replaceAll('<<.LabelMatchers>>', matchers)
    .replaceAll('<<.GroupBy>>', fill.groupBy ?? pod);
}
