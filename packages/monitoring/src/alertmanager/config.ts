import {
  ALERT,
  ALERTMANAGER_SECRETS_DIR,
  PAGING,
  RULE_LABEL,
  SEVERITY,
  TARGET_LABEL,
} from '@menagerie/contract';
import { oneOf } from '../promql.ts';

/**
 * The complete Alertmanager configuration, valid for Alertmanager 0.25 (amtool
 * here) and 0.34 (kube-prometheus-stack). Nothing in it needs an external
 * service: the page, ticket and info receivers have no integrations, so alerts
 * are grouped, inhibited and shown in Alertmanager's UI and in Grafana's
 * Alertmanager datasource. The PagerDuty receiver is configured but only used
 * once alerts carry PAGING.switchLabel (see docs/alerting.md).
 */

/** Receiver names; a route test checks where each severity lands. */
export const RECEIVER = {
  default: 'default',
  /** Receives and drops: kube-prometheus-stack's Watchdog, which fires all the time. */
  null: 'null',
  page: 'page',
  ticket: 'ticket',
  info: 'info',
  paging: PAGING.receiver,
} as const;

export const PAGING_KEY_FILE = `${ALERTMANAGER_SECRETS_DIR}/${PAGING.secretName}/${PAGING.secretKey}`;

const is = (label: string, value: string): string => `${label}=${JSON.stringify(value)}`;
const present = (label: string): string => `${label}=~".+"`;

/** Alerts a dead or missing server explains; they would only repeat its story. */
export const EXPLAINED_BY_SERVER_DOWN = [
  ALERT.availabilityFastBurn,
  ALERT.availabilitySlowBurn,
  ALERT.latencyFastBurn,
  ALERT.latencySlowBurn,
  ALERT.highLatency,
  ALERT.clientCannotReachServer,
  ALERT.probeFailing,
] as const;

export const SERVER_GONE = [ALERT.serverDown, ALERT.serverTargetMissing] as const;

/**
 * kube-prometheus-stack's default rules, which stay on, come with two alerts
 * its default Alertmanager configuration handles and this one, replacing it,
 * must handle too: Watchdog always fires, to prove the alerting pipeline
 * works end to end (point it at a dead man's switch service to be told when
 * it stops); InfoInhibitor fires beside `info` alerts only to silence them
 * while nothing worse is firing in the namespace, and is never sent itself.
 */
export const STACK_ALERT = { watchdog: 'Watchdog', infoInhibitor: 'InfoInhibitor' } as const;

export interface AlertmanagerConfig {
  readonly route: Record<string, unknown>;
  readonly inhibit_rules: readonly Record<string, unknown>[];
  readonly receivers: readonly Record<string, unknown>[];
}

export function alertmanagerConfig(): AlertmanagerConfig {
  const { namespace, service } = TARGET_LABEL;
  return {
    route: {
      receiver: RECEIVER.default,
      group_by: ['alertname', RULE_LABEL.severity, namespace, service],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [
        { receiver: RECEIVER.null, matchers: [is('alertname', STACK_ALERT.watchdog)] },
        {
          receiver: RECEIVER.paging,
          matchers: [
            is(RULE_LABEL.severity, SEVERITY.page),
            is(PAGING.switchLabel.name, PAGING.switchLabel.value),
          ],
          group_wait: '10s',
          repeat_interval: '1h',
        },
        {
          receiver: RECEIVER.page,
          matchers: [is(RULE_LABEL.severity, SEVERITY.page)],
          group_wait: '10s',
          repeat_interval: '1h',
        },
        { receiver: RECEIVER.ticket, matchers: [is(RULE_LABEL.severity, SEVERITY.ticket)] },
        {
          receiver: RECEIVER.info,
          matchers: [is(RULE_LABEL.severity, SEVERITY.info)],
          repeat_interval: '24h',
        },
      ],
    },
    inhibit_rules: [
      ...stackInhibitions(),
      {
        source_matchers: [oneOf('alertname', SERVER_GONE)],
        target_matchers: [oneOf('alertname', EXPLAINED_BY_SERVER_DOWN)],
        equal: [namespace, service],
      },
      // A page for an SLO already says what the ticket for the same SLO would.
      {
        source_matchers: [is(RULE_LABEL.severity, SEVERITY.page), present(RULE_LABEL.slo)],
        target_matchers: [is(RULE_LABEL.severity, SEVERITY.ticket), present(RULE_LABEL.slo)],
        equal: [namespace, service, RULE_LABEL.slo],
      },
    ],
    receivers: [
      { name: RECEIVER.default },
      { name: RECEIVER.null },
      { name: RECEIVER.page },
      { name: RECEIVER.ticket },
      { name: RECEIVER.info },
      {
        name: RECEIVER.paging,
        pagerduty_configs: [
          {
            routing_key_file: PAGING_KEY_FILE,
            send_resolved: true,
            severity: 'critical',
            description: '{{ .CommonAnnotations.summary }}',
            links: [{ href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' }],
          },
        ],
      },
    ],
  };
}

/**
 * kube-prometheus-stack's default inhibitions, as its own configuration has
 * them: a worse alert of the same name and namespace silences a milder one,
 * and InfoInhibitor silences `info` alerts (and is itself never sent).
 */
function stackInhibitions(): Record<string, unknown>[] {
  const { namespace } = TARGET_LABEL;
  const { severity } = RULE_LABEL;
  return [
    {
      source_matchers: [is(severity, SEVERITY.page)],
      target_matchers: [oneOf(severity, [SEVERITY.ticket, SEVERITY.info])],
      equal: [namespace, 'alertname'],
    },
    {
      source_matchers: [is(severity, SEVERITY.ticket)],
      target_matchers: [is(severity, SEVERITY.info)],
      equal: [namespace, 'alertname'],
    },
    {
      source_matchers: [is('alertname', STACK_ALERT.infoInhibitor)],
      target_matchers: [is(severity, SEVERITY.info)],
      equal: [namespace],
    },
    { target_matchers: [is('alertname', STACK_ALERT.infoInhibitor)] },
  ];
}
