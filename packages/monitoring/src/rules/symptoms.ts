import {
  ALERT,
  BLACKBOX_PROBE,
  CLIENT,
  CLIENT_METRICS,
  CLUSTER_ONLY_METRIC,
  LABEL,
  NAMESPACE,
  RULE_GROUP,
  RULE_LABEL,
  SERVER,
  SERVER_METRICS,
  SEVERITY,
  STANDARD_METRIC,
  SYMPTOM_THRESHOLD as T,
  TARGET_LABEL,
  UNANSWERED_OUTCOMES,
} from '@menagerie/contract';
import { num, oneOf, safeRatio } from '../promql.ts';
import { apiRoutes, serverJob } from '../queries/scope.ts';
import type { AlertingRule, RuleFile } from './types.ts';

/**
 * Alerts on symptoms the SLOs do not see directly: the server gone, the client
 * or the probe unable to reach it, the store filling up, pods restarting, and
 * slow responses. Alerts about the server carry `namespace` and `service` so
 * that Alertmanager can inhibit the alerts a dead server would also cause.
 */

const { namespace, service, job, pod, container, instance } = TARGET_LABEL;
const ourContainers = oneOf(container, [SERVER.container, CLIENT.container]);
const serverLabel = { [service]: SERVER.name };

const alert = (
  rule: Omit<AlertingRule, 'annotations'> & { summary: string; description: string },
): AlertingRule => ({
  alert: rule.alert,
  expr: rule.expr,
  ...(rule.for ? { for: rule.for } : {}),
  labels: rule.labels,
  annotations: { summary: rule.summary, description: rule.description },
});

const serverDown = alert({
  alert: ALERT.serverDown,
  expr: `max by (${namespace}, ${service}) (${STANDARD_METRIC.up.name}{${serverJob}}) == 0`,
  for: '2m',
  labels: { [RULE_LABEL.severity]: SEVERITY.page },
  summary: '{{ $labels.service }} is down in {{ $labels.namespace }}',
  description:
    'Prometheus has not scraped a single {{ $labels.service }} target in {{ $labels.namespace }} for 2 minutes: every pod is down or not answering on its metrics port.',
});

const serverTargetMissing = alert({
  alert: ALERT.serverTargetMissing,
  expr: `absent(${STANDARD_METRIC.up.name}{${serverJob}, ${namespace}="${NAMESPACE}"})`,
  for: '5m',
  labels: { [RULE_LABEL.severity]: SEVERITY.page, ...serverLabel },
  summary: `${SERVER.name} has no scrape target in ${NAMESPACE}`,
  description: `Prometheus has had no ${job}="${SERVER.name}" target in namespace ${NAMESPACE} for 5 minutes: the server is not deployed, its Service has no endpoints, or its ServiceMonitor is not selected.`,
});

const clientRequests = `${CLIENT_METRICS.requestDuration.name}_count`;
const unanswered = oneOf(LABEL.outcome, UNANSWERED_OUTCOMES);

const clientCannotReachServer = alert({
  alert: ALERT.clientCannotReachServer,
  expr: `${safeRatio(
    `sum by (${namespace}) (rate(${clientRequests}{${job}="${CLIENT.name}", ${unanswered}}[5m]))`,
    `sum by (${namespace}) (rate(${clientRequests}{${job}="${CLIENT.name}"}[5m]))`,
  )} > ${num(T.clientUnreachableRatio)}`,
  for: '2m',
  labels: { [RULE_LABEL.severity]: SEVERITY.ticket, ...serverLabel },
  summary: `${CLIENT.name} cannot reach ${SERVER.name} in {{ $labels.namespace }}`,
  description: `{{ $value | humanizePercentage }} of ${CLIENT.name}'s requests over 5 minutes got no HTTP answer (network error or timeout); the alert fires above ${num(T.clientUnreachableRatio * 100)}%.`,
});

const probeFailing = alert({
  alert: ALERT.probeFailing,
  expr: `max by (${namespace}, ${instance}) (${STANDARD_METRIC.probeSuccess.name}{${job}="${BLACKBOX_PROBE.job}"}) == 0`,
  for: '2m',
  labels: { [RULE_LABEL.severity]: SEVERITY.page, ...serverLabel },
  summary: 'The blackbox probe of {{ $labels.instance }} is failing',
  description: `Every blackbox probe (module ${BLACKBOX_PROBE.module}) of {{ $labels.instance }} has failed for 2 minutes: from outside, ${SERVER.name} is unavailable.`,
});

const storeNearCapacity = alert({
  alert: ALERT.storeNearCapacity,
  expr: `max by (${namespace}, ${service}, ${pod}) (${SERVER_METRICS.storeAnimals.name}{${serverJob}} / ${SERVER_METRICS.storeCapacity.name}{${serverJob}}) > ${num(T.storeFullRatio)}`,
  for: '5m',
  labels: { [RULE_LABEL.severity]: SEVERITY.ticket },
  summary: 'The animal store of {{ $labels.pod }} is {{ $value | humanizePercentage }} full',
  description: `{{ $labels.pod }} holds more than ${num(T.storeFullRatio * 100)}% of its capacity; when full it answers 507 to every new animal, which counts against the availability SLO.`,
});

const podRestarting = alert({
  alert: ALERT.podRestarting,
  expr: `sum by (${namespace}, ${pod}, ${container}) (increase(${CLUSTER_ONLY_METRIC.podRestarts.name}{${namespace}="${NAMESPACE}", ${ourContainers}}[${T.restartWindow}])) > 0`,
  labels: { [RULE_LABEL.severity]: SEVERITY.ticket },
  summary: 'Container {{ $labels.container }} of {{ $labels.pod }} restarted',
  description: `Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} restarted in the last ${T.restartWindow}. A restart loses the in-memory store of that pod.`,
});

const highLatency = alert({
  alert: ALERT.highLatency,
  expr: `histogram_quantile(${num(T.latencyQuantile)}, sum by (${namespace}, ${service}, le) (rate(${SERVER_METRICS.requestDuration.name}_bucket{${serverJob}, ${apiRoutes}}[5m]))) > ${num(T.latencySeconds)}`,
  for: '5m',
  labels: { [RULE_LABEL.severity]: SEVERITY.info },
  summary: 'p99 latency of {{ $labels.service }} is {{ $value | humanizeDuration }}',
  description: `The 99th percentile of API request duration of {{ $labels.service }} in {{ $labels.namespace }} has been above ${num(T.latencySeconds)}s for 5 minutes. The latency SLO alerts decide whether this needs action.`,
});

export const symptomsRuleFile: RuleFile = {
  name: 'symptoms',
  groups: [
    {
      name: RULE_GROUP.symptoms,
      rules: [
        serverDown,
        serverTargetMissing,
        clientCannotReachServer,
        probeFailing,
        storeNearCapacity,
        podRestarting,
        highLatency,
      ],
    },
  ],
};
