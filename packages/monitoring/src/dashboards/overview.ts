import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BLACKBOX_PROBE,
  COMMON_METRICS,
  DASHBOARD_UID,
  LABEL,
  LATENCY_SLO,
  SERVER,
  SERVER_METRICS,
  STANDARD_METRIC,
  SYMPTOM_THRESHOLD,
  TARGET_LABEL,
} from '@menagerie/contract';
import { eq, leMatcher, num, orZero, orZeroLike, re, selector, sumBy } from '../promql.ts';
import { AVAILABILITY_SLI, errorBudget } from '../slo.ts';
import {
  buildDashboard,
  DATASOURCE,
  prom,
  RANGE,
  scope,
  statPanel,
  tablePanel,
  timeseriesPanel,
} from './kit.ts';
import { anyServiceScope, apiRoutes, quantile, rateOf, serverScope } from './selectors.ts';

/**
 * Service overview: the RED method and the golden signals of the server, with
 * release markers and the blackbox probe's view from outside.
 */

const D = SERVER_METRICS.requestDuration.name;
const count = `${D}_count`;
const bucket = `${D}_bucket`;
const { route, statusCode, species, outcome, field, reason, kind, version, revision } = LABEL;
const { namespace, service, pod } = TARGET_LABEL;

const serverRequests = (by: readonly string[], extra: string[] = []): string =>
  sumBy(by, rateOf(count, [...serverScope, ...extra]));

const buildInfoScope = [scope.namespace, scope.service];
const releaseIdentity = [namespace, service, version, revision].join(', ');
/** A (version, revision) that was not there 5 minutes earlier: a release. */
export const releaseMarkers = (): dashboard.AnnotationQueryBuilder =>
  new dashboard.AnnotationQueryBuilder()
    .name('Releases')
    .datasource(DATASOURCE.prometheus)
    .enable(true)
    .iconColor('purple')
    .expr(
      `group by (${releaseIdentity}) (${selector(COMMON_METRICS.buildInfo.name, buildInfoScope)}) unless group by (${releaseIdentity}) (${selector(COMMON_METRICS.buildInfo.name, buildInfoScope)} offset 5m)`,
    )
    .step('1m')
    .titleFormat('Release {{version}}')
    .textFormat('{{service}} {{version}} (revision {{revision}}) in {{namespace}}')
    .tagKeys('service,version')
    .useValueForTime(false);

const budget = errorBudget(AVAILABILITY_SLI.slo);
const probe = selector(STANDARD_METRIC.probeSuccess.name, [
  eq(TARGET_LABEL.job, BLACKBOX_PROBE.job),
  scope.namespace,
]);

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
            queries: [
              prom(sumBy([], `rate(${selector(count, serverScope)}[${RANGE}])`), 'requests', {
                instant: true,
              }),
            ],
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
            queries: [
              prom(
                `${orZeroLike(
                  sumBy(
                    [],
                    `rate(${selector(count, [...serverScope, apiRoutes, re(statusCode, '5..')])}[${RANGE}])`,
                  ),
                  sumBy([], `rate(${selector(count, [...serverScope, apiRoutes])}[${RANGE}])`),
                )} / ${sumBy([], `rate(${selector(count, [...serverScope, apiRoutes])}[${RANGE}])`)}`,
                '5xx',
                { instant: true },
              ),
            ],
          }),
          statPanel({
            title: 'API 4xx ratio',
            description:
              'Share of API requests answered with a 4xx over the range. The traffic generator sends invalid animals on purpose, so this is high by design and is not an error of the server.',
            unit: 'percentunit',
            queries: [
              prom(
                `${orZeroLike(
                  sumBy(
                    [],
                    `rate(${selector(count, [...serverScope, apiRoutes, re(statusCode, '4..')])}[${RANGE}])`,
                  ),
                  sumBy([], `rate(${selector(count, [...serverScope, apiRoutes])}[${RANGE}])`),
                )} / ${sumBy([], `rate(${selector(count, [...serverScope, apiRoutes])}[${RANGE}])`)}`,
                '4xx',
                { instant: true },
              ),
            ],
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
            queries: [
              prom(
                `${sumBy([], `rate(${selector(bucket, [...serverScope, apiRoutes, leMatcher(LATENCY_SLO.thresholdSeconds)])}[${RANGE}])`)} / ${sumBy([], `rate(${selector(count, [...serverScope, apiRoutes])}[${RANGE}])`)}`,
                'fast',
                { instant: true },
              ),
            ],
          }),
          statPanel({
            title: 'Probe success',
            description: `Share of blackbox probes (job ${BLACKBOX_PROBE.job}) that succeeded over the range: availability as seen from outside the server.`,
            unit: 'percentunit',
            thresholds: [
              ['red', null],
              ['green', AVAILABILITY_SLI.slo.objective],
            ],
            queries: [prom(`avg(avg_over_time(${probe}[${RANGE}]))`, 'probe', { instant: true })],
          }),
          statPanel({
            title: 'Targets up',
            description: 'Scrape targets of the selected services that answered their last scrape.',
            unit: 'short',
            queries: [
              prom(`sum(${selector(STANDARD_METRIC.up.name, anyServiceScope)})`, 'up', { instant: true }),
            ],
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
            queries: [prom(serverRequests([route]), '{{route}}')],
          }),
          timeseriesPanel({
            title: 'Responses by status code',
            description: 'Responses per second by HTTP status code, all routes.',
            unit: 'reqps',
            stacked: true,
            queries: [prom(serverRequests([statusCode]), '{{status_code}}')],
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
            queries: [
              prom(
                `${orZeroLike(serverRequests([route], [re(statusCode, '5..')]), serverRequests([route]))} / ${serverRequests([route])}`,
                '{{route}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: '4xx ratio by status code',
            description:
              'Share of all requests answered with each 4xx code. Shown apart from 5xx: the client sends invalid animals, missing ids and malformed bodies on purpose, and these count as good events in the SLO.',
            unit: 'percentunit',
            min: 0,
            queries: [
              prom(
                `${serverRequests([statusCode], [re(statusCode, '4..')])} / ignoring (${statusCode}) group_left ${serverRequests([])}`,
                '{{status_code}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Validation failures by field and reason',
            description: 'Animals rejected by validation per second, by offending field and joi reason.',
            unit: 'reqps',
            stacked: true,
            queries: [
              prom(
                orZero(sumBy([field, reason], rateOf(SERVER_METRICS.validationFailures.name, serverScope))),
                '{{field}}: {{reason}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Registrations by species and outcome',
            description:
              'POST /animals per second by species and outcome (stored, invalid, failed, rejected).',
            unit: 'reqps',
            stacked: true,
            queries: [
              prom(
                sumBy([species, outcome], rateOf(`${SERVER_METRICS.animalDuration.name}_count`, serverScope)),
                '{{species}} {{outcome}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Injected faults by species and kind',
            description:
              'Delays and errors the behaviour profile injected per second. A bad release shows up here first.',
            unit: 'reqps',
            stacked: true,
            queries: [
              prom(
                orZero(sumBy([species, kind], rateOf(SERVER_METRICS.faultsInjected.name, serverScope))),
                '{{species}} {{kind}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Store rejections',
            description: 'Animals refused per second because the store was full (answered 507).',
            unit: 'reqps',
            queries: [
              prom(orZero(sumBy([pod], rateOf(SERVER_METRICS.storeRejections.name, serverScope))), '{{pod}}'),
            ],
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
            queries: [0.5, 0.9, 0.99].map((q) =>
              prom(quantile(q, selector(bucket, [...serverScope, apiRoutes])), `p${num(q * 100)}`, {
                exemplar: true,
              }),
            ),
          }),
          timeseriesPanel({
            title: 'p99 latency by route',
            description: 'The 99th percentile of request duration per route template.',
            unit: 's',
            queries: [prom(quantile(0.99, selector(bucket, serverScope), [route]), '{{route}}')],
          }),
          timeseriesPanel({
            title: 'Registration p99 by species',
            description:
              'The 99th percentile of the time to register an animal, by species: the slow species stand out.',
            unit: 's',
            queries: [
              prom(
                quantile(0.99, selector(`${SERVER_METRICS.animalDuration.name}_bucket`, serverScope), [
                  species,
                ]),
                '{{species}}',
              ),
            ],
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
            queries: [
              prom(sumBy([pod], selector(SERVER_METRICS.requestsInFlight.name, serverScope)), '{{pod}}'),
            ],
          }),
          timeseriesPanel({
            title: 'CPU',
            description: 'CPU time used per second by each process (1 = one core).',
            unit: 'percentunit',
            span: 8,
            queries: [
              prom(sumBy([pod], rateOf(STANDARD_METRIC.cpuSeconds.name, anyServiceScope)), '{{pod}}'),
            ],
          }),
          timeseriesPanel({
            title: 'Memory',
            description: 'Resident memory and V8 heap in use, per pod.',
            unit: 'bytes',
            span: 8,
            queries: [
              prom(
                sumBy([pod], selector(STANDARD_METRIC.residentMemory.name, anyServiceScope)),
                '{{pod}} resident',
              ),
              prom(sumBy([pod], selector(STANDARD_METRIC.heapUsed.name, anyServiceScope)), '{{pod}} heap'),
            ],
          }),
          timeseriesPanel({
            title: 'Event-loop lag p99',
            description:
              'The 99th percentile of Node.js event-loop delay: when it grows, every request waits.',
            unit: 's',
            span: 8,
            queries: [
              prom(sumBy([pod], selector(STANDARD_METRIC.eventLoopLagP99.name, anyServiceScope)), '{{pod}}'),
            ],
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
            queries: [
              prom(
                `max by (${pod}) (${selector(SERVER_METRICS.storeAnimals.name, serverScope)} / ${selector(SERVER_METRICS.storeCapacity.name, serverScope)})`,
                '{{pod}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Blackbox probe duration',
            description: `Time the blackbox exporter took to probe the server (job ${BLACKBOX_PROBE.job}).`,
            unit: 's',
            span: 8,
            queries: [
              prom(
                `max by (${TARGET_LABEL.instance}) (${selector(STANDARD_METRIC.probeDuration.name, [eq(TARGET_LABEL.job, BLACKBOX_PROBE.job), scope.namespace])})`,
                '{{instance}}',
              ),
            ],
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
            queries: [
              prom(
                `count by (${service}, ${version}, ${revision}) (${selector(COMMON_METRICS.buildInfo.name, anyServiceScope)})`,
                '',
                { instant: true, table: true },
              ),
            ],
          }),
        ],
      },
    ],
  });
