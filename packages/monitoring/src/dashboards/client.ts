import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { CLIENT, CLIENT_LOG_MESSAGE, DASHBOARD_UID, SERVER } from '@menagerie/contract';
import * as q from '../queries/client.ts';
import {
  buildDashboard,
  DATASOURCE,
  defaultTimeseries,
  promQuery,
  RATE_INTERVAL,
  row,
  stackedTimeseries,
} from './kit.ts';
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
      row(
        'Load',
        ratesPanel(),
        outcomesPanel(),
        outcomeSharePanel(),
        requestsByScenarioPanel(),
        unsentPanel(),
      ),
      row(
        'Correctness: answers against what each scenario expects',
        expectedSharePanel(),
        unexpectedOutcomesPanel(),
      ),
      row('Latency', callerVsServerLatencyPanel(), callerP99ByScenarioPanel(), inFlightPanel()),
      row('Telemetry health', spansDroppedPanel()),
    ],
  });

// ---- Load ---------------------------------------------------------------------

function ratesPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Rate: requested, scheduled, answered, seen by the server')
    .description(
      `Requested: the configured rate. Scheduled: what the open-model schedule called for. Answered: requests that completed (any outcome). Server: requests ${SERVER.name} handled (all routes, from its own histogram). A gap between them is lost or unsent traffic.`,
    )
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(8)
    .withTarget(promQuery(q.targetRate, 'requested').refId('A'))
    .withTarget(promQuery(q.scheduledRate(RATE_INTERVAL), 'scheduled').refId('B'))
    .withTarget(promQuery(q.answeredRate(RATE_INTERVAL), 'answered').refId('C'))
    .withTarget(promQuery(q.serverHandledRate(RATE_INTERVAL), 'server').refId('D'));
}

function outcomesPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Outcomes')
    .description(
      'Client requests per second by outcome: success, client_error (4xx, mostly on purpose), server_error (5xx), network_error, timeout.',
    )
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.requestsByOutcome(RATE_INTERVAL), '{{outcome}}').refId('A'));
}

function outcomeSharePanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Outcome share')
    .description('Share of client requests per outcome.')
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.outcomeShare(RATE_INTERVAL), '{{outcome}}').refId('A'))
    .min(0)
    .max(1);
}

function requestsByScenarioPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Requests by scenario')
    .description(
      'Client requests per second by scenario (valid animals, each kind of invalid one, malformed bodies, reads).',
    )
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.requestsByScenario(RATE_INTERVAL), '{{scenario}}').refId('A'));
}

function unsentPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Requests not sent, by reason')
    .description(
      'Scheduled requests the client could not send (for example the in-flight cap was reached). Counted, never silently skipped: this is the coordinated-omission check.',
    )
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.unsentByReason(RATE_INTERVAL), '{{reason}}').refId('A'));
}

// ---- Latency ------------------------------------------------------------------

function callerVsServerLatencyPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Caller-side vs server-side latency')
    .description(
      "Client quantiles are measured from the scheduled send time, so queueing in the client counts; the server's p99 covers only the time inside the server. The difference is network, queueing and retries.",
    )
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(8)
    .withTarget(
      promQuery(q.callerLatencyQuantile(0.5, RATE_INTERVAL), 'client p50').exemplar(true).refId('A'),
    )
    .withTarget(
      promQuery(q.callerLatencyQuantile(0.9, RATE_INTERVAL), 'client p90').exemplar(true).refId('B'),
    )
    .withTarget(
      promQuery(q.callerLatencyQuantile(0.99, RATE_INTERVAL), 'client p99').exemplar(true).refId('C'),
    )
    .withTarget(promQuery(q.serverLatencyQuantile(0.99, RATE_INTERVAL), 'server p99').refId('D'));
}

function callerP99ByScenarioPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Caller-side p99 by scenario')
    .description('The 99th percentile of client request duration per scenario.')
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.callerLatencyQuantileByScenario(0.99, RATE_INTERVAL), '{{scenario}}').refId('A'));
}

function inFlightPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Requests in flight')
    .description('Requests the client has sent and not yet seen answered; the cap bounds it.')
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.requestsInFlight, '{{pod}}').refId('A'));
}

// ---- Correctness --------------------------------------------------------------

function expectedSharePanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Answered as expected')
    .description(
      `Share of ${CLIENT.name}'s requests whose answer is the one their scenario expects (201 for a valid animal, 400 for each kind of invalid one, 404 for a missing id...). The client doubles as a correctness check of ${SERVER.name}: below 1 means 5xx, timeouts, network errors, valid animals refused or invalid ones accepted.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.expectedShare(RATE_INTERVAL), 'as expected').refId('A'))
    .min(0)
    .max(1);
}

function unexpectedOutcomesPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Unexpected outcomes, by scenario')
    .description(
      `Requests per second whose outcome their scenario did not expect, by scenario and outcome. Each one is also a warn or error line in ${CLIENT.name}'s logs (msg "${CLIENT_LOG_MESSAGE.unexpected}") with its trace id.`,
    )
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.unexpectedByScenario(RATE_INTERVAL), '{{scenario}} {{outcome}}').refId('A'));
}

// ---- Telemetry health ---------------------------------------------------------

function spansDroppedPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Spans dropped')
    .description(
      'Finished spans the services could not export (full queue or failed export), per second. Non-zero means traces are missing from Tempo.',
    )
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(8)
    .withTarget(promQuery(q.spansDropped(RATE_INTERVAL), '{{service}} {{reason}}').refId('A'));
}
