import { CLIENT, NAMESPACE, SERVER, STACK, TARGET_LABEL } from '@menagerie/contract';

/**
 * The target labels Prometheus gives each local process: the labels the
 * prometheus-operator's ServiceMonitor relabelling gives a pod behind a
 * Service in the cluster, so that every dashboard and rule selects the same
 * series here and there. (`job` is the scrape job's name, the Service name;
 * `instance` is the scraped address, as in the cluster.)
 */

export type Labels = Readonly<Record<string, string>>;

export interface PodEndpoint {
  readonly service: string;
  readonly pod: string;
  readonly container: string;
  readonly portName: string;
}

export const serviceMonitorLabels = (endpoint: PodEndpoint): Labels => ({
  [TARGET_LABEL.namespace]: NAMESPACE,
  [TARGET_LABEL.service]: endpoint.service,
  [TARGET_LABEL.pod]: endpoint.pod,
  [TARGET_LABEL.container]: endpoint.container,
  [TARGET_LABEL.endpoint]: endpoint.portName,
});

/** A server "pod": each release the stack rolls out is a new one, as a Deployment's rollout makes. */
export const serverPod = (generation: number): PodEndpoint => ({
  service: SERVER.name,
  pod: `${SERVER.name}-local-${generation}`,
  container: SERVER.container,
  portName: SERVER.portName,
});

export const clientPod: PodEndpoint = {
  service: CLIENT.name,
  pod: `${CLIENT.name}-local-0`,
  container: CLIENT.container,
  portName: CLIENT.portName,
};

/**
 * Prometheus itself, as kube-prometheus-stack's own ServiceMonitor sees it:
 * the operator names the pod prometheus-<Prometheus name>-0, the container
 * `prometheus` and the Service port `http-web`.
 */
export const prometheusPod: PodEndpoint = {
  service: STACK.prometheus.service,
  pod: `prometheus-${STACK.prometheus.service}-0`,
  container: 'prometheus',
  portName: 'http-web',
};

/**
 * The labels of the blackbox probe's series: the operator turns the server
 * chart's Probe into a job named after its `jobName`, with the static
 * config's labels (`service`), the Probe's namespace, and the probed URL as
 * `instance`.
 */
export const probeLabels: Labels = {
  [TARGET_LABEL.namespace]: NAMESPACE,
  [TARGET_LABEL.service]: SERVER.name,
};
