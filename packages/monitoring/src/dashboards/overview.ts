import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  BLACKBOX_PROBE,
  COMMON_METRICS,
  DASHBOARD_UID,
  LATENCY_SLO,
  SERVER,
  SYMPTOM_THRESHOLD,
} from '@menagerie/contract';
import { num } from '../promql.ts';
import * as q from '../queries/server.ts';
import { AVAILABILITY_SLI, errorBudget } from '../slo.ts';
import {
  buildDashboard,
  DATASOURCE,
  dashedLines,
  defaultStat,
  defaultTimeseries,
  neutral,
  promInstantQuery,
  promQuery,
  RANGE,
  RATE_INTERVAL,
  row,
  stackedTimeseries,
  steps,
} from './kit.ts';

/**
 * Service overview: the RED method and the golden signals of the server, with
 * release markers and the blackbox probe's view from outside.
 */

/** A (version, revision) that was not there 5 minutes earlier: a release. */
export const releaseMarkers = (): dashboard.AnnotationQueryBuilder =>
  new dashboard.AnnotationQueryBuilder()
    .name('Releases')
    .datasource(DATASOURCE.prometheus)
    .enable(true)
    .iconColor('purple')
    .expr(q.releases)
    .step('1m')
    .titleFormat('Release {{version}}')
    .textFormat('{{service}} {{version}} (revision {{revision}}) in {{namespace}}')
    .tagKeys('service,version')
    .useValueForTime(false);

const budget = errorBudget(AVAILABILITY_SLI.slo);

export const overviewDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.overview,
    title: 'Menagerie / Service overview',
    description: `RED and golden signals of ${SERVER.name}: traffic, errors (5xx apart from 4xx), latency from the request histogram, saturation, releases and the blackbox probe.`,
    annotations: [releaseMarkers()],
    rows: [
      row(
        'At a glance',
        requestRateStat(),
        serverErrorRatioStat(),
        clientErrorRatioStat(),
        withinThresholdStat(),
        probeSuccessStat(),
        targetsUpStat(),
      ),
      row(
        'Traffic and errors',
        requestsByRoutePanel(),
        responsesByStatusPanel(),
        serverErrorRatioByRoutePanel(),
        clientErrorRatioByStatusPanel(),
        validationFailuresPanel(),
        registrationsPanel(),
        faultsInjectedPanel(),
        storeRejectionsPanel(),
      ),
      row('Latency', apiLatencyPanel(), p99ByRoutePanel(), registrationP99BySpeciesPanel()),
      row(
        'Saturation',
        inFlightPanel(),
        cpuPanel(),
        memoryPanel(),
        eventLoopLagPanel(),
        storeFillPanel(),
        probeDurationPanel(),
      ),
      row('Releases', runningVersionsTable()),
    ],
  });

// ---- At a glance (over the dashboard's range) ---------------------------------

function requestRateStat(): stat.PanelBuilder {
  return defaultStat()
    .title('Request rate')
    .description(`Requests per second the server handled, all routes, averaged over the dashboard's range.`)
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.requestRate(RANGE), 'requests').refId('A'))
    .thresholds(neutral());
}

function serverErrorRatioStat(): stat.PanelBuilder {
  return defaultStat()
    .title('API 5xx ratio')
    .description(
      `Share of API requests (the SLI routes) answered with a 5xx over the range. Red above the availability error budget (${num(budget * 100)}%).`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.apiStatusRatio('5..', RANGE), '5xx').refId('A'))
    .thresholds(steps(['green', null], ['red', budget]))
    .decimals(3);
}

function clientErrorRatioStat(): stat.PanelBuilder {
  return defaultStat()
    .title('API 4xx ratio')
    .description(
      'Share of API requests answered with a 4xx over the range. The traffic generator sends invalid animals on purpose, so this is high by design and is not an error of the server.',
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.apiStatusRatio('4..', RANGE), '4xx').refId('A'))
    .thresholds(neutral());
}

function withinThresholdStat(): stat.PanelBuilder {
  return defaultStat()
    .title(`API requests within ${LATENCY_SLO.thresholdSeconds}s`)
    .description(
      `Share of API requests answered within the latency SLO threshold (${LATENCY_SLO.thresholdSeconds}s, an exact histogram bucket) over the range. Red below the objective (${num(LATENCY_SLO.objective * 100)}%).`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.apiWithinThreshold(RANGE), 'fast').refId('A'))
    .thresholds(steps(['red', null], ['green', LATENCY_SLO.objective]))
    .decimals(2);
}

function probeSuccessStat(): stat.PanelBuilder {
  return defaultStat()
    .title('Probe success')
    .description(
      `Share of blackbox probes (job ${BLACKBOX_PROBE.job}) that succeeded over the range: availability as seen from outside the server.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.probeSuccess(RANGE), 'probe').refId('A'))
    .thresholds(steps(['red', null], ['green', AVAILABILITY_SLI.slo.objective]));
}

function targetsUpStat(): stat.PanelBuilder {
  return defaultStat()
    .title('Targets up')
    .description('Scrape targets of the selected services that answered their last scrape.')
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.targetsUp, 'up').refId('A'))
    .thresholds(neutral());
}

// ---- Traffic and errors -------------------------------------------------------

function requestsByRoutePanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Requests by route')
    .description(`Requests per second by route template (unknown paths collapse to one value).`)
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.requestsByRoute(RATE_INTERVAL), '{{route}}').refId('A'));
}

function responsesByStatusPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Responses by status code')
    .description('Responses per second by HTTP status code, all routes.')
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.responsesByStatus(RATE_INTERVAL), '{{status_code}}').refId('A'));
}

function serverErrorRatioByRoutePanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('5xx ratio by route')
    .description(
      `Share of each route's requests answered with a 5xx (server errors, the availability SLI's bad events on API routes). The dashed line is the availability error budget.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.serverErrorRatioByRoute(RATE_INTERVAL), '{{route}}').refId('A'))
    .min(0)
    .thresholds(steps(['green', null], ['red', budget]))
    .thresholdsStyle(dashedLines());
}

function clientErrorRatioByStatusPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('4xx ratio by status code')
    .description(
      'Share of all requests answered with each 4xx code. Shown apart from 5xx: the client sends invalid animals, missing ids and malformed bodies on purpose, and these count as good events in the SLO.',
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.clientErrorRatioByStatus(RATE_INTERVAL), '{{status_code}}').refId('A'))
    .min(0);
}

function validationFailuresPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Validation failures by field and reason')
    .description('Animals rejected by validation per second, by offending field and joi reason.')
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.validationFailures(RATE_INTERVAL), '{{field}}: {{reason}}').refId('A'));
}

function registrationsPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Registrations by species and outcome')
    .description('POST /animals per second by species and outcome (stored, invalid, failed, rejected).')
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(
      promQuery(q.registrationsBySpeciesAndOutcome(RATE_INTERVAL), '{{species}} {{outcome}}').refId('A'),
    );
}

function faultsInjectedPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Injected faults by species and kind')
    .description(
      'Delays and errors the behaviour profile injected per second. A bad release shows up here first.',
    )
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.faultsInjected(RATE_INTERVAL), '{{species}} {{kind}}').refId('A'));
}

function storeRejectionsPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Store rejections')
    .description('Animals refused per second because the store was full (answered 507).')
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.storeRejections(RATE_INTERVAL), '{{pod}}').refId('A'));
}

// ---- Latency ------------------------------------------------------------------

function apiLatencyPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('API latency p50 / p90 / p99')
    .description(
      `Quantiles of API request duration from the server histogram. Exemplars (dots) link to the trace in Tempo. The dashed line is the latency SLO threshold (${LATENCY_SLO.thresholdSeconds}s).`,
    )
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(8)
    .withTarget(promQuery(q.apiLatencyQuantile(0.5, RATE_INTERVAL), 'p50').exemplar(true).refId('A'))
    .withTarget(promQuery(q.apiLatencyQuantile(0.9, RATE_INTERVAL), 'p90').exemplar(true).refId('B'))
    .withTarget(promQuery(q.apiLatencyQuantile(0.99, RATE_INTERVAL), 'p99').exemplar(true).refId('C'))
    .thresholds(steps(['green', null], ['red', LATENCY_SLO.thresholdSeconds]))
    .thresholdsStyle(dashedLines());
}

function p99ByRoutePanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('p99 latency by route')
    .description('The 99th percentile of request duration per route template.')
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.latencyQuantileByRoute(0.99, RATE_INTERVAL), '{{route}}').refId('A'));
}

function registrationP99BySpeciesPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Registration p99 by species')
    .description(
      'The 99th percentile of the time to register an animal, by species: the slow species stand out.',
    )
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.registrationQuantileBySpecies(0.99, RATE_INTERVAL), '{{species}}').refId('A'));
}

// ---- Saturation ---------------------------------------------------------------

function inFlightPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Requests in flight')
    .description('Requests the server is handling right now, per pod.')
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.requestsInFlight, '{{pod}}').refId('A'));
}

function cpuPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('CPU')
    .description('CPU time used per second by each process (1 = one core).')
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.cpu(RATE_INTERVAL), '{{pod}}').refId('A'));
}

function memoryPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Memory')
    .description('Resident memory and V8 heap in use, per pod.')
    .unit('bytes')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.residentMemory, '{{pod}} resident').refId('A'))
    .withTarget(promQuery(q.heapUsed, '{{pod}} heap').refId('B'));
}

function eventLoopLagPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Event-loop lag p99')
    .description('The 99th percentile of Node.js event-loop delay: when it grows, every request waits.')
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.eventLoopLagP99, '{{pod}}').refId('A'));
}

function storeFillPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Store fill')
    .description(
      'Animals held as a share of the store capacity, per pod. At 100% new animals get 507; the dashed line is where the store alert fires.',
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.storeFill, '{{pod}}').refId('A'))
    .min(0)
    .max(1)
    .thresholds(steps(['green', null], ['red', SYMPTOM_THRESHOLD.storeFullRatio]))
    .thresholdsStyle(dashedLines());
}

function probeDurationPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Blackbox probe duration')
    .description(`Time the blackbox exporter took to probe the server (job ${BLACKBOX_PROBE.job}).`)
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.probeDuration, '{{instance}}').refId('A'));
}

// ---- Releases -----------------------------------------------------------------

function runningVersionsTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Running versions')
    .description(
      `Pods per version and revision, from ${COMMON_METRICS.buildInfo.name}. A release shows as a marker on the time series above.`,
    )
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(6)
    .withTarget(promInstantQuery(q.runningVersions, '').format(prometheus.PromQueryFormat.Table).refId('A'));
}
