import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_UID, LATENCY_SLO, LOG_FIELD, LOKI_LABEL, VALIDATION_LOG_FIELD } from '@menagerie/contract';
import { eq, re } from '../promql.ts';
import { variable } from '../queries/scope.ts';
import {
  AUTO_INTERVAL,
  buildDashboard,
  DATASOURCE,
  defaultTimeseries,
  lokiQuery,
  row,
  stackedTimeseries,
  VARIABLE,
} from './kit.ts';

/**
 * Logs: what the services write, from Loki. Stream labels come from the log
 * collector (LOKI_LABEL); line fields from the services' JSON lines (LOG_FIELD).
 */

const { namespace, app, pod, level } = LOKI_LABEL;
const streams = (extra: string[] = []): string =>
  `{${[re(namespace, variable(VARIABLE.namespace)), re(app, variable(VARIABLE.service)), re(pod, variable(VARIABLE.pod)), ...extra].join(', ')}}`;
const countOver = (pipeline: string, window = AUTO_INTERVAL): string =>
  `count_over_time(${pipeline} [${window}])`;
const reasons = VALIDATION_LOG_FIELD.reasons;

export const logsDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.logs,
    title: 'Menagerie / Logs',
    description:
      'Log volume by level and service, error lines, validation failures by reason, and the trace ids in error lines, linked to Tempo.',
    rows: [
      row(
        'Volume',
        linesByLevelPanel(),
        validationReasonsPanel(),
        serverErrorsByRoutePanel(),
        slowRequestsPanel(),
      ),
      row('Lines', errorLinesPanel(), validationLinesPanel(), errorTraceIdsTable()),
    ],
  });

// ---- Volume -------------------------------------------------------------------

function linesByLevelPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Log lines by level and service')
    .description(
      `Lines per interval by the ${level} label (set by the log collector from the line's ${LOG_FIELD.level} field) and service.`,
    )
    .unit('short')
    .datasource(DATASOURCE.loki)
    .span(12)
    .height(8)
    .withTarget(
      lokiQuery(`sum by (${app}, ${level}) (${countOver(streams())})`, '{{app}} {{level}}').refId('A'),
    );
}

function validationReasonsPanel(): timeseries.PanelBuilder {
  return stackedTimeseries()
    .title('Validation failures by reason (from logs)')
    .description(
      `Rejected animals per interval by joi reason, from the ${reasons} field of warn lines. Compare with the validation-failure metric on the overview.`,
    )
    .unit('short')
    .datasource(DATASOURCE.loki)
    .span(12)
    .height(8)
    .withTarget(
      lokiQuery(
        `sum by (${reasons}) (${countOver(`${streams([eq(level, 'warn')])} | json | ${reasons} != ""`)})`,
        `{{${reasons}}}`,
      ).refId('A'),
    );
}

function serverErrorsByRoutePanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('5xx responses by route (from logs)')
    .description(`Request lines whose ${LOG_FIELD.statusCode} is 500 or more, per interval and route.`)
    .unit('short')
    .datasource(DATASOURCE.loki)
    .span(12)
    .height(8)
    .withTarget(
      lokiQuery(
        `sum by (${LOG_FIELD.route}) (${countOver(`${streams()} | json | ${LOG_FIELD.statusCode} >= 500`)})`,
        `{{${LOG_FIELD.route}}}`,
      ).refId('A'),
    );
}

function slowRequestsPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title(`Requests slower than ${LATENCY_SLO.thresholdSeconds}s (from logs)`)
    .description(
      `Request lines whose ${LOG_FIELD.durationMs} exceeds the latency SLO threshold, per interval and service.`,
    )
    .unit('short')
    .datasource(DATASOURCE.loki)
    .span(12)
    .height(8)
    .withTarget(
      lokiQuery(
        `sum by (${app}) (${countOver(`${streams()} | json | ${LOG_FIELD.durationMs} > ${LATENCY_SLO.thresholdSeconds * 1000}`)})`,
        '{{app}}',
      ).refId('A'),
    );
}

// ---- Lines --------------------------------------------------------------------

/** Newest first, wrapped, with the fields of each line a click away. */
const logLines = (): logs.PanelBuilder =>
  new logs.PanelBuilder()
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);

function errorLinesPanel(): logs.PanelBuilder {
  return logLines()
    .title('Error lines')
    .description(
      `Lines at level error (injected faults, failures). The ${LOG_FIELD.traceId} field links to the trace in Tempo.`,
    )
    .unit('none')
    .datasource(DATASOURCE.loki)
    .span(24)
    .height(10)
    .withTarget(lokiQuery(`${streams([eq(level, 'error')])} | json`).refId('A'));
}

function validationLinesPanel(): logs.PanelBuilder {
  return logLines()
    .title('Validation failures')
    .description(
      `Warn lines of rejected animals with the offending fields (${VALIDATION_LOG_FIELD.fields}) and reasons (${reasons}).`,
    )
    .unit('none')
    .datasource(DATASOURCE.loki)
    .span(24)
    .height(10)
    .withTarget(lokiQuery(`${streams([eq(level, 'warn')])} | json | ${reasons} != ""`).refId('A'));
}

function errorTraceIdsTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Trace ids of recent error lines')
    .description(
      `Trace ids found in error lines over the last 30 minutes, most frequent first; each opens its trace in Tempo.`,
    )
    .unit('short')
    .datasource(DATASOURCE.loki)
    .span(24)
    .height(8)
    .withTarget(
      lokiQuery(
        `topk(20, sum by (${LOG_FIELD.traceId}, ${app}) (${countOver(`${streams([eq(level, 'error')])} | json | ${LOG_FIELD.traceId} != ""`, '30m')}))`,
      )
        .queryType('instant')
        .refId('A'),
    )
    .withTransformation({ id: 'labelsToFields', options: {} })
    .withTransformation({ id: 'merge', options: {} })
    .overrideByName(LOG_FIELD.traceId, [openTraceLink()]);
}

/** A data link that opens the clicked trace id in Tempo. */
const openTraceLink = (): dashboard.DynamicConfigValue => ({
  id: 'links',
  value: [
    {
      title: 'Open trace in Tempo',
      url: '',
      internal: {
        datasourceUid: DATASOURCE.tempo.uid,
        datasourceName: 'Tempo',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's data-link macro for the clicked value
        query: { queryType: 'traceql', query: '${__value.raw}' },
      },
    },
  ],
});
