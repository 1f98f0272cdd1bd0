import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
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
  prom,
  RANGE,
  RATE_INTERVAL,
  statPanel,
  tablePanel,
  timeseriesPanel,
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
      {
        title: 'At a glance',
        panels: [
          statPanel({
            title: 'Request rate',
            description: `Requests per second the server handled, all routes, averaged over the dashboard's range.`,
            unit: 'reqps',
            queries: [prom(q.requestRate(RANGE), 'requests', { instant: true })],
          }),
          statPanel({
            title: 'API 5xx ratio',
            description: `Share of API requests (the SLI routes) answered with a 5xx over the range. Red above the availability error budget (${num(budget * 100)}%).`,
            unit: 'percentunit',
            decimals: 3,
            thresholds: [
              ['green', null],
              ['red', budget],
            ],
            queries: [prom(q.apiStatusRatio('5..', RANGE), '5xx', { instant: true })],
          }),
          statPanel({
            title: 'API 4xx ratio',
            description:
              'Share of API requests answered with a 4xx over the range. The traffic generator sends invalid animals on purpose, so this is high by design and is not an error of the server.',
            unit: 'percentunit',
            queries: [prom(q.apiStatusRatio('4..', RANGE), '4xx', { instant: true })],
          }),
          statPanel({
            title: `API requests within ${LATENCY_SLO.thresholdSeconds}s`,
            description: `Share of API requests answered within the latency SLO threshold (${LATENCY_SLO.thresholdSeconds}s, an exact histogram bucket) over the range. Red below the objective (${num(LATENCY_SLO.objective * 100)}%).`,
            unit: 'percentunit',
            decimals: 2,
            thresholds: [
              ['red', null],
              ['green', LATENCY_SLO.objective],
            ],
            queries: [prom(q.apiWithinThreshold(RANGE), 'fast', { instant: true })],
          }),
          statPanel({
            title: 'Probe success',
            description: `Share of blackbox probes (job ${BLACKBOX_PROBE.job}) that succeeded over the range: availability as seen from outside the server.`,
            unit: 'percentunit',
            thresholds: [
              ['red', null],
              ['green', AVAILABILITY_SLI.slo.objective],
            ],
            queries: [prom(q.probeSuccess(RANGE), 'probe', { instant: true })],
          }),
          statPanel({
            title: 'Targets up',
            description: 'Scrape targets of the selected services that answered their last scrape.',
            unit: 'short',
            queries: [prom(q.targetsUp, 'up', { instant: true })],
          }),
        ],
      },
      {
        title: 'Traffic and errors',
        panels: [
          timeseriesPanel({
            title: 'Requests by route',
            description: `Requests per second by route template (unknown paths collapse to one value).`,
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.requestsByRoute(RATE_INTERVAL), '{{route}}')],
          }),
          timeseriesPanel({
            title: 'Responses by status code',
            description: 'Responses per second by HTTP status code, all routes.',
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.responsesByStatus(RATE_INTERVAL), '{{status_code}}')],
          }),
          timeseriesPanel({
            title: '5xx ratio by route',
            description: `Share of each route's requests answered with a 5xx (server errors, the availability SLI's bad events on API routes). The dashed line is the availability error budget.`,
            unit: 'percentunit',
            min: 0,
            thresholds: [
              ['green', null],
              ['red', budget],
            ],
            queries: [prom(q.serverErrorRatioByRoute(RATE_INTERVAL), '{{route}}')],
          }),
          timeseriesPanel({
            title: '4xx ratio by status code',
            description:
              'Share of all requests answered with each 4xx code. Shown apart from 5xx: the client sends invalid animals, missing ids and malformed bodies on purpose, and these count as good events in the SLO.',
            unit: 'percentunit',
            min: 0,
            queries: [prom(q.clientErrorRatioByStatus(RATE_INTERVAL), '{{status_code}}')],
          }),
          timeseriesPanel({
            title: 'Validation failures by field and reason',
            description: 'Animals rejected by validation per second, by offending field and joi reason.',
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.validationFailures(RATE_INTERVAL), '{{field}}: {{reason}}')],
          }),
          timeseriesPanel({
            title: 'Registrations by species and outcome',
            description:
              'POST /animals per second by species and outcome (stored, invalid, failed, rejected).',
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.registrationsBySpeciesAndOutcome(RATE_INTERVAL), '{{species}} {{outcome}}')],
          }),
          timeseriesPanel({
            title: 'Injected faults by species and kind',
            description:
              'Delays and errors the behaviour profile injected per second. A bad release shows up here first.',
            unit: 'reqps',
            stacked: true,
            queries: [prom(q.faultsInjected(RATE_INTERVAL), '{{species}} {{kind}}')],
          }),
          timeseriesPanel({
            title: 'Store rejections',
            description: 'Animals refused per second because the store was full (answered 507).',
            unit: 'reqps',
            queries: [prom(q.storeRejections(RATE_INTERVAL), '{{pod}}')],
          }),
        ],
      },
      {
        title: 'Latency',
        panels: [
          timeseriesPanel({
            title: 'API latency p50 / p90 / p99',
            description: `Quantiles of API request duration from the server histogram. Exemplars (dots) link to the trace in Tempo. The dashed line is the latency SLO threshold (${LATENCY_SLO.thresholdSeconds}s).`,
            unit: 's',
            span: 24,
            thresholds: [
              ['green', null],
              ['red', LATENCY_SLO.thresholdSeconds],
            ],
            queries: [0.5, 0.9, 0.99].map((quantile) =>
              prom(q.apiLatencyQuantile(quantile, RATE_INTERVAL), `p${num(quantile * 100)}`, {
                exemplar: true,
              }),
            ),
          }),
          timeseriesPanel({
            title: 'p99 latency by route',
            description: 'The 99th percentile of request duration per route template.',
            unit: 's',
            queries: [prom(q.latencyQuantileByRoute(0.99, RATE_INTERVAL), '{{route}}')],
          }),
          timeseriesPanel({
            title: 'Registration p99 by species',
            description:
              'The 99th percentile of the time to register an animal, by species: the slow species stand out.',
            unit: 's',
            queries: [prom(q.registrationQuantileBySpecies(0.99, RATE_INTERVAL), '{{species}}')],
          }),
        ],
      },
      {
        title: 'Saturation',
        panels: [
          timeseriesPanel({
            title: 'Requests in flight',
            description: 'Requests the server is handling right now, per pod.',
            unit: 'short',
            span: 8,
            queries: [prom(q.requestsInFlight, '{{pod}}')],
          }),
          timeseriesPanel({
            title: 'CPU',
            description: 'CPU time used per second by each process (1 = one core).',
            unit: 'percentunit',
            span: 8,
            queries: [prom(q.cpu(RATE_INTERVAL), '{{pod}}')],
          }),
          timeseriesPanel({
            title: 'Memory',
            description: 'Resident memory and V8 heap in use, per pod.',
            unit: 'bytes',
            span: 8,
            queries: [prom(q.residentMemory, '{{pod}} resident'), prom(q.heapUsed, '{{pod}} heap')],
          }),
          timeseriesPanel({
            title: 'Event-loop lag p99',
            description:
              'The 99th percentile of Node.js event-loop delay: when it grows, every request waits.',
            unit: 's',
            span: 8,
            queries: [prom(q.eventLoopLagP99, '{{pod}}')],
          }),
          timeseriesPanel({
            title: 'Store fill',
            description:
              'Animals held as a share of the store capacity, per pod. At 100% new animals get 507; the dashed line is where the store alert fires.',
            unit: 'percentunit',
            span: 8,
            min: 0,
            max: 1,
            thresholds: [
              ['green', null],
              ['red', SYMPTOM_THRESHOLD.storeFullRatio],
            ],
            queries: [prom(q.storeFill, '{{pod}}')],
          }),
          timeseriesPanel({
            title: 'Blackbox probe duration',
            description: `Time the blackbox exporter took to probe the server (job ${BLACKBOX_PROBE.job}).`,
            unit: 's',
            span: 8,
            queries: [prom(q.probeDuration, '{{instance}}')],
          }),
        ],
      },
      {
        title: 'Releases',
        panels: [
          tablePanel({
            title: 'Running versions',
            description: `Pods per version and revision, from ${COMMON_METRICS.buildInfo.name}. A release shows as a marker on the time series above.`,
            unit: 'short',
            span: 24,
            height: 6,
            queries: [prom(q.runningVersions, '', { instant: true, table: true })],
          }),
        ],
      },
    ],
  });
