import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CLIENT, CLIENT_LOG_MESSAGE, DASHBOARD_UID, SERVER } from '@menagerie/contract';
import { num } from '../promql.ts';
import * as q from '../queries/client.ts';
import { buildDashboard, prom, RATE_INTERVAL, timeseriesPanel } from './kit.ts';
import { releaseMarkers } from './overview.ts';

/**
 * Client view: what the traffic generator experiences (the caller's side of
 * every request, including the ones it could not send), next to the server's
 * own numbers for the same traffic.
 */

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
              prom(q.targetRate, 'requested'),
              prom(q.scheduledRate(RATE_INTERVAL), 'scheduled'),
              prom(q.answeredRate(RATE_INTERVAL), 'answered'),
              prom(q.serverHandledRate(RATE_INTERVAL), 'server'),
            ],
          }),
          timeseriesPanel({
            title: 'Outcomes',
            description:
              'Client requests per second by outcome: success, client_error (4xx, mostly on purpose), server_error (5xx), network_error, timeout.',
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.requestsByOutcome(RATE_INTERVAL), '{{outcome}}')],
          }),
          timeseriesPanel({
            title: 'Outcome share',
            description: 'Share of client requests per outcome.',
            unit: 'percentunit',
            stacked: true,
            min: 0,
            max: 1,
            queries: [prom(q.outcomeShare(RATE_INTERVAL), '{{outcome}}')],
          }),
          timeseriesPanel({
            title: 'Requests by scenario',
            description:
              'Client requests per second by scenario (valid animals, each kind of invalid one, malformed bodies, reads).',
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.requestsByScenario(RATE_INTERVAL), '{{scenario}}')],
          }),
          timeseriesPanel({
            title: 'Requests not sent, by reason',
            description:
              'Scheduled requests the client could not send (for example the in-flight cap was reached). Counted, never silently skipped: this is the coordinated-omission check.',
            unit: 'reqps',
            queries: [prom(q.unsentByReason(RATE_INTERVAL), '{{reason}}')],
          }),
        ],
      },
      {
        title: 'Correctness: answers against what each scenario expects',
        panels: [
          timeseriesPanel({
            title: 'Answered as expected',
            description: `Share of ${CLIENT.name}'s requests whose answer is the one their scenario expects (201 for a valid animal, 400 for each kind of invalid one, 404 for a missing id...). The client doubles as a correctness check of ${SERVER.name}: below 1 means 5xx, timeouts, network errors, valid animals refused or invalid ones accepted.`,
            unit: 'percentunit',
            min: 0,
            max: 1,
            queries: [prom(q.expectedShare(RATE_INTERVAL), 'as expected')],
          }),
          timeseriesPanel({
            title: 'Unexpected outcomes, by scenario',
            description: `Requests per second whose outcome their scenario did not expect, by scenario and outcome. Each one is also a warn or error line in ${CLIENT.name}'s logs (msg "${CLIENT_LOG_MESSAGE.unexpected}") with its trace id.`,
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.unexpectedByScenario(RATE_INTERVAL), '{{scenario}} {{outcome}}')],
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
              ...[0.5, 0.9, 0.99].map((quantile) =>
                prom(q.callerLatencyQuantile(quantile, RATE_INTERVAL), `client p${num(quantile * 100)}`, {
                  exemplar: true,
                }),
              ),
              prom(q.serverLatencyQuantile(0.99, RATE_INTERVAL), 'server p99'),
            ],
          }),
          timeseriesPanel({
            title: 'Caller-side p99 by scenario',
            description: 'The 99th percentile of client request duration per scenario.',
            unit: 's',
            queries: [prom(q.callerLatencyQuantileByScenario(0.99, RATE_INTERVAL), '{{scenario}}')],
          }),
          timeseriesPanel({
            title: 'Requests in flight',
            description: 'Requests the client has sent and not yet seen answered; the cap bounds it.',
            unit: 'short',
            queries: [prom(q.requestsInFlight, '{{pod}}')],
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
            queries: [prom(q.spansDropped(RATE_INTERVAL), '{{service}} {{reason}}')],
          }),
        ],
      },
    ],
  });
