import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CLIENT, CLUSTER_ONLY_METRIC, DASHBOARD_UID, LATENCY_SLO, SPAN_ATTRIBUTE } from '@menagerie/contract';
import { eq, orZeroLike, re, selector, sumBy } from '../promql.ts';
import {
  buildDashboard,
  nodeGraphPanel,
  prom,
  ref,
  serviceGraph,
  tablePanel,
  timeseriesPanel,
  traceql,
  VARIABLE,
} from './kit.ts';
import { quantile, rateOf } from './selectors.ts';

/**
 * Traces: the slowest and failing traces (TraceQL search), the service graph
 * and RED metrics derived from spans by Tempo's metrics generator.
 */

const serviceName = `resource.service.name =~ "${ref(VARIABLE.service)}"`;
/** Labels and values of the span metrics Tempo's metrics generator writes. */
const SPAN_METRIC = {
  service: 'service',
  spanName: 'span_name',
  spanKind: 'span_kind',
  statusCode: 'status_code',
  serverKind: 'SPAN_KIND_SERVER',
  errorStatus: 'STATUS_CODE_ERROR',
} as const;
const S = SPAN_METRIC;
const spanScope = [re(S.service, ref(VARIABLE.service)), eq(S.spanKind, S.serverKind)];
const bySpan = [S.service, S.spanName];
const calls = CLUSTER_ONLY_METRIC.spanCalls.name;

export const tracesDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.traces,
    title: 'Menagerie / Traces',
    description:
      'Slowest and failing traces from Tempo, the service graph, and request rate, errors and duration computed from spans.',
    rows: [
      {
        title: 'Traces',
        panels: [
          tablePanel({
            title: `Traces with a server span over ${LATENCY_SLO.thresholdSeconds}s`,
            description: `Traces whose server span took longer than the latency SLO threshold: the requests that spend the latency error budget. Sort by duration; each opens in Tempo.`,
            unit: 'ms',
            queries: [
              traceql(`{ ${serviceName} && kind = server && duration > ${LATENCY_SLO.thresholdSeconds}s }`),
            ],
          }),
          tablePanel({
            title: 'Failing traces',
            description: `Traces with a span in error status, with the animal species (${SPAN_ATTRIBUTE.species}) and injected fault kind (${SPAN_ATTRIBUTE.faultKind}) when set.`,
            unit: 'ms',
            queries: [
              traceql(
                `{ ${serviceName} && status = error } | select(span.${SPAN_ATTRIBUTE.species}, span.${SPAN_ATTRIBUTE.faultKind})`,
              ),
            ],
          }),
          tablePanel({
            title: 'Failing client requests by scenario',
            description: `Client spans in error status with their scenario (${SPAN_ATTRIBUTE.scenario}); the client's spans are the parents of the server's.`,
            unit: 'ms',
            span: 24,
            queries: [
              traceql(
                `{ resource.service.name = "${CLIENT.name}" && status = error } | select(span.${SPAN_ATTRIBUTE.scenario})`,
              ),
            ],
          }),
          nodeGraphPanel({
            title: 'Service graph',
            description:
              "Who calls whom, with request rate and error share on each edge, from Tempo's service-graph metrics.",
            unit: 'reqps',
            span: 24,
            height: 10,
            queries: [serviceGraph()],
          }),
        ],
      },
      {
        title: 'Span metrics (RED from traces)',
        panels: [
          timeseriesPanel({
            title: 'Server spans per second',
            description: 'Server spans per second by service and span name (route), from span metrics.',
            unit: 'reqps',
            span: 8,
            queries: [prom(sumBy(bySpan, rateOf(calls, spanScope)), '{{service}} {{span_name}}')],
          }),
          timeseriesPanel({
            title: 'Server span error ratio',
            description: 'Share of server spans with error status, by service and span name.',
            unit: 'percentunit',
            span: 8,
            queries: [
              prom(
                `${orZeroLike(
                  sumBy(bySpan, rateOf(calls, [...spanScope, eq(S.statusCode, S.errorStatus)])),
                  sumBy(bySpan, rateOf(calls, spanScope)),
                )} / ${sumBy(bySpan, rateOf(calls, spanScope))}`,
                '{{service}} {{span_name}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Server span p99 duration',
            description:
              'The 99th percentile of server span duration by service and span name, from span metrics.',
            unit: 's',
            span: 8,
            queries: [
              prom(
                quantile(0.99, selector(CLUSTER_ONLY_METRIC.spanLatencyBucket.name, spanScope), bySpan),
                '{{service}} {{span_name}}',
              ),
            ],
          }),
        ],
      },
    ],
  });
