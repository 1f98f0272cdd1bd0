import { LATENCY_SLO } from './slo.ts';

/**
 * Names the alerting set-up shares with the charts and the local stack: the
 * blackbox probe's job, the Secret the optional paging receiver reads its key
 * from, and where the runbooks linked from every alert live.
 */

/**
 * The blackbox probe of the server. The chart's Probe sets `spec.jobName` to
 * `job`, so probe_* series carry `job="menagerie-blackbox"`; the local stack's
 * scrape job uses the same name.
 */
export const BLACKBOX_PROBE = {
  job: 'menagerie-blackbox',
  module: 'http_2xx',
} as const;

/** Where Alertmanager (kube-prometheus-stack's `alertmanagerSpec.secrets`) mounts Secrets. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/**
 * The example paging receiver (PagerDuty Events API v2), off by default. Its
 * routing key is read from `<ALERTMANAGER_SECRETS_DIR>/<secretName>/<secretKey>`.
 * Pages reach it only when alerts carry the switch label, which Prometheus adds
 * to every alert it sends once it is set as an external label.
 */
export const PAGING = {
  receiver: 'pagerduty',
  secretName: 'menagerie-pagerduty',
  secretKey: 'routing-key',
  switchLabel: { name: 'paging', value: 'pagerduty' },
} as const;

/** Where the project lives; charts name it as their home. */
export const REPOSITORY_URL = 'https://github.com/menagerie-sre/menagerie';

/** Runbooks are `<RUNBOOK_BASE_URL>/<AlertName>.md`, rendered by the repository host. */
export const RUNBOOK_BASE_URL = `${REPOSITORY_URL}/blob/main/docs/runbooks`;

/**
 * Alert names: the CI end-to-end script and the rollback demo find alerts by
 * these names, and the runbooks are named after them.
 */
export const ALERT = {
  availabilityFastBurn: 'MenagerieAvailabilityFastBurn',
  availabilitySlowBurn: 'MenagerieAvailabilitySlowBurn',
  latencyFastBurn: 'MenagerieLatencyFastBurn',
  latencySlowBurn: 'MenagerieLatencySlowBurn',
  serverDown: 'MenagerieServerDown',
  serverTargetMissing: 'MenagerieServerTargetMissing',
  clientCannotReachServer: 'MenagerieClientCannotReachServer',
  probeFailing: 'MenagerieProbeFailing',
  storeNearCapacity: 'MenagerieStoreNearCapacity',
  podRestarting: 'MenageriePodRestarting',
  highLatency: 'MenagerieHighLatency',
} as const;
export type AlertName = (typeof ALERT)[keyof typeof ALERT];

export const RULE_GROUP = {
  availabilitySli: 'menagerie-slo-availability-sli-recordings',
  availabilityMeta: 'menagerie-slo-availability-meta-recordings',
  availabilityAlerts: 'menagerie-slo-availability-alerts',
  latencySli: 'menagerie-slo-latency-sli-recordings',
  latencyMeta: 'menagerie-slo-latency-meta-recordings',
  latencyAlerts: 'menagerie-slo-latency-alerts',
  symptoms: 'menagerie-symptoms',
} as const;

/**
 * What an alert asks of people: `page` wakes someone up (user-facing and
 * urgent), `ticket` is work for office hours, `info` is context shown in the
 * UIs and sent nowhere.
 */
export type Urgency = 'page' | 'ticket' | 'info';

/**
 * The `severity` label each urgency carries, the one label Alertmanager
 * routes on. The values are kube-prometheus's (`critical`, `warning`,
 * `info`), which kube-prometheus-stack's own rules, its Alertmanager
 * inhibitions and Grafana's alert views understand, so a page is `critical`
 * and a ticket `warning`, whether the alert is ours or the stack's.
 */
export const SEVERITY = { page: 'critical', ticket: 'warning', info: 'info' } as const satisfies Record<
  Urgency,
  string
>;
export type Severity = (typeof SEVERITY)[Urgency];

/** The urgency a severity label stands for. */
export function urgencyOf(severity: string): Urgency | undefined {
  return (Object.keys(SEVERITY) as Urgency[]).find((urgency) => SEVERITY[urgency] === severity);
}

/** Labels the rules add besides the scrape targets' own. */
export const RULE_LABEL = {
  severity: 'severity',
  slo: 'slo',
  sloWindow: 'slo_window',
} as const;

/** Thresholds of the symptom alerts (the SLO numbers and burn-rate policy are in slo.ts). */
export const SYMPTOM_THRESHOLD = {
  /** Store fill ratio; at 1 the server answers 507 to every new animal. */
  storeFullRatio: 0.9,
  /** Share of the client's requests that got no HTTP answer at all (network error or timeout). */
  clientUnreachableRatio: 0.05,
  /** The p99 latency symptom uses the latency SLO's own threshold. */
  latencyQuantile: 0.99,
  latencySeconds: LATENCY_SLO.thresholdSeconds,
  /** A restart within this window keeps the pod-restart alert firing. */
  restartWindow: '15m',
} as const;
