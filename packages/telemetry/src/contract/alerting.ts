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
