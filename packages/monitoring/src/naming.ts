/**
 * Names other tooling looks up: the CI end-to-end script and the rollback demo
 * find alerts by these names, the charts load rule files and dashboards by
 * these file names.
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
 * Severity is the one label Alertmanager routes on: `page` wakes someone up
 * (user-facing and urgent), `ticket` is work for office hours, `info` is
 * context shown in the UIs and sent nowhere.
 */
export const SEVERITY = { page: 'page', ticket: 'ticket', info: 'info' } as const;
export type Severity = (typeof SEVERITY)[keyof typeof SEVERITY];

/** Labels the rules add besides the scrape targets' own. */
export const RULE_LABEL = {
  severity: 'severity',
  slo: 'slo',
  sloWindow: 'slo_window',
} as const;

export const DASHBOARD_UID = {
  overview: 'menagerie-overview',
  slos: 'menagerie-slos',
  client: 'menagerie-client',
  logs: 'menagerie-logs',
  traces: 'menagerie-traces',
  pods: 'menagerie-pods',
} as const;

/** Where the generated files go, relative to the repository root. */
export const OUTPUT_DIR = {
  dashboards: 'charts/menagerie/files/dashboards',
  rules: 'charts/menagerie/files/rules',
  alertmanager: 'charts/menagerie/files/alertmanager',
} as const;
