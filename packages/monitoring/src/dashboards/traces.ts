import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { CLIENT, DASHBOARD_UID, LATENCY_SLO, SPAN_ATTRIBUTE } from '@menagerie/contract';
import { variable } from '../queries/scope.ts';
import * as q from '../queries/traces.ts';
import {
  buildDashboard,
  DATASOURCE,
  defaultTimeseries,
  promQuery,
  RATE_INTERVAL,
  row,
  serviceGraphQuery,
  traceqlSearch,
  VARIABLE,
} from './kit.ts';

/**
 * Traces: the slowest and failing traces (TraceQL search), the service graph
 * and RED metrics derived from spans by Tempo's metrics generator.
 */

const serviceName = `resource.service.name =~ "${variable(VARIABLE.service)}"`;

export const tracesDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.traces,
    title: 'Menagerie / Traces',
    description:
      'Slowest and failing traces from Tempo, the service graph, and request rate, errors and duration computed from spans.',
    rows: [
      row(
        'Traces',
        slowTracesTable(),
        failingTracesTable(),
        unexpectedClientRequestsTable(),
        serviceGraphPanel(),
      ),
      row('Span metrics (RED from traces)', spanRatePanel(), spanErrorRatioPanel(), spanP99Panel()),
    ],
  });

// ---- Traces -------------------------------------------------------------------

function slowTracesTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(`Traces with a server span over ${LATENCY_SLO.thresholdSeconds}s`)
    .description(
      `Traces whose server span took longer than the latency SLO threshold: the requests that spend the latency error budget. Sort by duration; each opens in Tempo.`,
    )
    .unit('ms')
    .datasource(DATASOURCE.tempo)
    .span(12)
    .height(8)
    .withTarget(
      traceqlSearch(
        `{ ${serviceName} && kind = server && duration > ${LATENCY_SLO.thresholdSeconds}s }`,
      ).refId('A'),
    );
}

function failingTracesTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Failing traces')
    .description(
      `Traces with a span in error status, with the animal species (${SPAN_ATTRIBUTE.species}) and injected fault kind (${SPAN_ATTRIBUTE.faultKind}) when set.`,
    )
    .unit('ms')
    .datasource(DATASOURCE.tempo)
    .span(12)
    .height(8)
    .withTarget(
      traceqlSearch(
        `{ ${serviceName} && status = error } | select(span.${SPAN_ATTRIBUTE.species}, span.${SPAN_ATTRIBUTE.faultKind})`,
      ).refId('A'),
    );
}

function unexpectedClientRequestsTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Client requests with an unexpected outcome, by scenario')
    .description(
      `The client's request spans whose outcome their scenario did not expect (${SPAN_ATTRIBUTE.expectation} = unmet: a 5xx, no answer, a valid animal refused, an invalid one accepted), with the scenario and the status it expected. Their children are one client span per attempt (a 4xx marks an attempt as an error even when the scenario asked for it), each the parent of a server span.`,
    )
    .unit('ms')
    .datasource(DATASOURCE.tempo)
    .span(24)
    .height(8)
    .withTarget(
      traceqlSearch(
        `{ resource.service.name = "${CLIENT.name}" && span.${SPAN_ATTRIBUTE.expectation} = "unmet" } | select(span.${SPAN_ATTRIBUTE.scenario}, span.${SPAN_ATTRIBUTE.expectedStatus})`,
      ).refId('A'),
    );
}

function serviceGraphPanel(): nodegraph.PanelBuilder {
  return new nodegraph.PanelBuilder()
    .title('Service graph')
    .description(
      "Who calls whom, with request rate and error share on each edge, from Tempo's service-graph metrics.",
    )
    .unit('reqps')
    .datasource(DATASOURCE.tempo)
    .span(24)
    .height(10)
    .withTarget(serviceGraphQuery().refId('A'));
}

// ---- Span metrics -------------------------------------------------------------

function spanRatePanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Server spans per second')
    .description('Server spans per second by service and span name (route), from span metrics.')
    .unit('reqps')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.spanRate(RATE_INTERVAL), '{{service}} {{span_name}}').refId('A'));
}

function spanErrorRatioPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Server span error ratio')
    .description('Share of server spans with error status, by service and span name.')
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.spanErrorRatio(RATE_INTERVAL), '{{service}} {{span_name}}').refId('A'));
}

function spanP99Panel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Server span p99 duration')
    .description('The 99th percentile of server span duration by service and span name, from span metrics.')
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(
      promQuery(q.spanLatencyQuantile(0.99, RATE_INTERVAL), '{{service}} {{span_name}}').refId('A'),
    );
}
