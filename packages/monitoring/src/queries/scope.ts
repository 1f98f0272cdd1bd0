import { BLACKBOX_PROBE, CLIENT, LABEL, SERVER, SLI_ROUTES, TARGET_LABEL } from '@menagerie/contract';
import { leMatcher, oneOf } from '../promql.ts';

/**
 * Label matchers the queries put between braces, written once. Dashboard
 * scopes follow the namespace, service and pod variables; rule scopes name
 * the job alone, since a rule sees every namespace.
 */

const { job, namespace, service, pod } = TARGET_LABEL;

/** A dashboard variable, as Grafana expands it in a query. */
export const variable = (name: string): string => `$${name}`;

/** Every selected service's targets. */
export const anyService = `${namespace}=~"${variable(namespace)}", ${service}=~"${variable(service)}", ${pod}=~"${variable(pod)}"`;
/** The server's targets in the selected namespace and pods. */
export const server = `${job}="${SERVER.name}", ${namespace}=~"${variable(namespace)}", ${pod}=~"${variable(pod)}"`;
/** The client's targets in the selected namespace and pods. */
export const client = `${job}="${CLIENT.name}", ${namespace}=~"${variable(namespace)}", ${pod}=~"${variable(pod)}"`;
/** The blackbox probe of the server, in the selected namespace. */
export const probe = `${job}="${BLACKBOX_PROBE.job}", ${namespace}=~"${variable(namespace)}"`;
/** The selected namespace (what the service variable is filled within). */
export const inNamespace = `${namespace}=~"${variable(namespace)}"`;
/** menagerie_build_info of the selected services (what the variables are filled from). */
export const builds = `${namespace}=~"${variable(namespace)}", ${service}=~"${variable(service)}"`;

/** The selected pods, as kube-state-metrics and cAdvisor label them. */
export const pods = `${namespace}=~"${variable(namespace)}", ${pod}=~"${variable(pod)}"`;
/** Real containers of the selected pods (cAdvisor also reports the pod's cgroup, with container=""). */
export const containers = `${pods}, container!=""`;

/** The server's job, everywhere: what rules select. */
export const serverJob = `${job}="${SERVER.name}"`;

/** The API routes the SLIs count (probes and scrapes are not user traffic). */
export const apiRoutes = oneOf(LABEL.route, SLI_ROUTES);

/** The latency SLO's bucket, matched as Prometheus 2 and 3 both spell it. */
export const withinThreshold = (seconds: number): string => leMatcher(seconds);
