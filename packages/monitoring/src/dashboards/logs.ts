import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_UID, LATENCY_SLO, LOG_FIELD, LOKI_LABEL, VALIDATION_LOG_FIELD } from '@menagerie/contract';
import { eq, re } from '../promql.ts';
import { variable } from '../queries/scope.ts';
import {
  AUTO_INTERVAL,
  buildDashboard,
  logql,
  logsPanel,
  tablePanel,
  timeseriesPanel,
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
      {
        title: 'Volume',
        panels: [
          timeseriesPanel({
            title: 'Log lines by level and service',
            description: `Lines per interval by the ${level} label (set by the log collector from the line's ${LOG_FIELD.level} field) and service.`,
            unit: 'short',
            stacked: true,
            queries: [logql(`sum by (${app}, ${level}) (${countOver(streams())})`, '{{app}} {{level}}')],
          }),
          timeseriesPanel({
            title: 'Validation failures by reason (from logs)',
            description: `Rejected animals per interval by joi reason, from the ${reasons} field of warn lines. Compare with the validation-failure metric on the overview.`,
            unit: 'short',
            stacked: true,
            queries: [
              logql(
                `sum by (${reasons}) (${countOver(`${streams([eq(level, 'warn')])} | json | ${reasons} != ""`)})`,
                `{{${reasons}}}`,
              ),
            ],
          }),
          timeseriesPanel({
            title: '5xx responses by route (from logs)',
            description: `Request lines whose ${LOG_FIELD.statusCode} is 500 or more, per interval and route.`,
            unit: 'short',
            queries: [
              logql(
                `sum by (${LOG_FIELD.route}) (${countOver(`${streams()} | json | ${LOG_FIELD.statusCode} >= 500`)})`,
                `{{${LOG_FIELD.route}}}`,
              ),
            ],
          }),
          timeseriesPanel({
            title: `Requests slower than ${LATENCY_SLO.thresholdSeconds}s (from logs)`,
            description: `Request lines whose ${LOG_FIELD.durationMs} exceeds the latency SLO threshold, per interval and service.`,
            unit: 'short',
            queries: [
              logql(
                `sum by (${app}) (${countOver(`${streams()} | json | ${LOG_FIELD.durationMs} > ${LATENCY_SLO.thresholdSeconds * 1000}`)})`,
                '{{app}}',
              ),
            ],
          }),
        ],
      },
      {
        title: 'Lines',
        panels: [
          logsPanel({
            title: 'Error lines',
            description: `Lines at level error (injected faults, failures). The ${LOG_FIELD.traceId} field links to the trace in Tempo.`,
            unit: 'none',
            span: 24,
            height: 10,
            queries: [logql(`${streams([eq(level, 'error')])} | json`)],
          }),
          logsPanel({
            title: 'Validation failures',
            description: `Warn lines of rejected animals with the offending fields (${VALIDATION_LOG_FIELD.fields}) and reasons (${reasons}).`,
            unit: 'none',
            span: 24,
            height: 10,
            queries: [logql(`${streams([eq(level, 'warn')])} | json | ${reasons} != ""`)],
          }),
          tablePanel({
            title: 'Trace ids of recent error lines',
            description: `Trace ids found in error lines over the last 30 minutes, most frequent first; each opens its trace in Tempo.`,
            unit: 'short',
            span: 24,
            queries: [
              logql(
                `topk(20, sum by (${LOG_FIELD.traceId}, ${app}) (${countOver(`${streams([eq(level, 'error')])} | json | ${LOG_FIELD.traceId} != ""`, '30m')}))`,
                '',
                { instant: true },
              ),
            ],
            transformations: [
              { id: 'labelsToFields', options: {} },
              { id: 'merge', options: {} },
            ],
            traceLinkField: LOG_FIELD.traceId,
          }),
        ],
      },
    ],
  });
