import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  CLIENT,
  CLIENT_METRICS,
  COMMON_METRICS,
  DASHBOARD_UID,
  LABEL,
  SERVER,
  SERVER_METRICS,
  TARGET_LABEL,
} from '@menagerie/contract';
import { num, orZero, selector, sumBy } from '../promql.ts';
import { buildDashboard, prom, timeseriesPanel } from './kit.ts';
import { releaseMarkers } from './overview.ts';
import { anyServiceScope, clientScope, quantile, rateOf, serverScope } from './selectors.ts';

/**
 * Client view: what the traffic generator experiences (the caller's side of
 * every request, including the ones it could not send), next to the server's
 * own numbers for the same traffic.
 */

const clientDuration = CLIENT_METRICS.requestDuration.name;
const serverDuration = SERVER_METRICS.requestDuration.name;
const { outcome, scenario, reason } = LABEL;
const { pod, service } = TARGET_LABEL;

export const clientDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.client,
    title: 'Menagerie / Client view',
    description: `What ${CLIENT.name} experiences: the rate it achieves against the rate it was asked for, outcomes, caller-side latency and requests it could not send, beside ${SERVER.name}'s own numbers.`,
    annotations: [releaseMarkers()],
    rows: [
      {
        title: 'Load',
        panels: [
          timeseriesPanel({
            title: 'Rate: requested, scheduled, answered, seen by the server',
            description: `Requested: the configured rate. Scheduled: what the open-model schedule called for. Answered: requests that completed (any outcome). Server: requests ${SERVER.name} handled (all routes, from its own histogram). A gap between them is lost or unsent traffic.`,
            unit: 'reqps',
            span: 24,
            queries: [
              prom(sumBy([], selector(CLIENT_METRICS.targetRate.name, clientScope)), 'requested'),
              prom(sumBy([], rateOf(CLIENT_METRICS.requestsScheduled.name, clientScope)), 'scheduled'),
              prom(sumBy([], rateOf(`${clientDuration}_count`, clientScope)), 'answered'),
              prom(sumBy([], rateOf(`${serverDuration}_count`, serverScope)), 'server'),
            ],
          }),
          timeseriesPanel({
            title: 'Outcomes',
            description:
              'Client requests per second by outcome: success, client_error (4xx, mostly on purpose), server_error (5xx), network_error, timeout.',
            unit: 'reqps',
            stacked: true,
            queries: [prom(sumBy([outcome], rateOf(`${clientDuration}_count`, clientScope)), '{{outcome}}')],
          }),
          timeseriesPanel({
            title: 'Outcome share',
            description: 'Share of client requests per outcome.',
            unit: 'percentunit',
            stacked: true,
            min: 0,
            max: 1,
            queries: [
              prom(
                `${sumBy([outcome], rateOf(`${clientDuration}_count`, clientScope))} / ignoring (${outcome}) group_left ${sumBy([], rateOf(`${clientDuration}_count`, clientScope))}`,
                '{{outcome}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Requests by scenario',
            description:
              'Client requests per second by scenario (valid animals, each kind of invalid one, malformed bodies, reads).',
            unit: 'reqps',
            stacked: true,
            queries: [
              prom(sumBy([scenario], rateOf(`${clientDuration}_count`, clientScope)), '{{scenario}}'),
            ],
          }),
          timeseriesPanel({
            title: 'Requests not sent, by reason',
            description:
              'Scheduled requests the client could not send (for example the in-flight cap was reached). Counted, never silently skipped: this is the coordinated-omission check.',
            unit: 'reqps',
            queries: [
              prom(
                orZero(sumBy([reason], rateOf(CLIENT_METRICS.requestsUnsent.name, clientScope))),
                '{{reason}}',
              ),
            ],
          }),
        ],
      },
      {
        title: 'Latency',
        panels: [
          timeseriesPanel({
            title: 'Caller-side vs server-side latency',
            description:
              "Client quantiles are measured from the scheduled send time, so queueing in the client counts; the server's p99 covers only the time inside the server. The difference is network, queueing and retries.",
            unit: 's',
            span: 24,
            queries: [
              ...[0.5, 0.9, 0.99].map((q) =>
                prom(
                  quantile(q, selector(`${clientDuration}_bucket`, clientScope)),
                  `client p${num(q * 100)}`,
                  {
                    exemplar: true,
                  },
                ),
              ),
              prom(quantile(0.99, selector(`${serverDuration}_bucket`, serverScope)), 'server p99'),
            ],
          }),
          timeseriesPanel({
            title: 'Caller-side p99 by scenario',
            description: 'The 99th percentile of client request duration per scenario.',
            unit: 's',
            queries: [
              prom(
                quantile(0.99, selector(`${clientDuration}_bucket`, clientScope), [scenario]),
                '{{scenario}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Requests in flight',
            description: 'Requests the client has sent and not yet seen answered; the cap bounds it.',
            unit: 'short',
            queries: [
              prom(sumBy([pod], selector(CLIENT_METRICS.requestsInFlight.name, clientScope)), '{{pod}}'),
            ],
          }),
        ],
      },
      {
        title: 'Telemetry health',
        panels: [
          timeseriesPanel({
            title: 'Spans dropped',
            description:
              'Finished spans the services could not export (full queue or failed export), per second. Non-zero means traces are missing from Tempo.',
            unit: 'short',
            span: 24,
            queries: [
              prom(
                orZero(sumBy([service, reason], rateOf(COMMON_METRICS.spansDropped.name, anyServiceScope))),
                '{{service}} {{reason}}',
              ),
            ],
          }),
        ],
      },
    ],
  });
