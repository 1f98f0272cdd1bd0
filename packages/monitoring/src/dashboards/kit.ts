import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { COMMON_METRICS, DATASOURCE_UID, TARGET_LABEL } from '@menagerie/contract';
import { builds, inNamespace } from '../queries/scope.ts';

/**
 * What every Menagerie dashboard shares: datasources by their provisioned uid,
 * query targets, the look of each panel type, the namespace/service/pod
 * variables, rows and the dashboard itself. Panels are plain Foundation SDK
 * builders written in each dashboard's file; test/dashboards.test.ts holds
 * them to a description, a unit, one datasource and refIds A, B, C...
 */

// ---- datasources and Grafana's macros ---------------------------------------

export const DATASOURCE = {
  prometheus: { type: 'prometheus', uid: DATASOURCE_UID.prometheus },
  loki: { type: 'loki', uid: DATASOURCE_UID.loki },
  tempo: { type: 'tempo', uid: DATASOURCE_UID.tempo },
} as const;

/** Grafana's own interval macros; the live check substitutes them. */
export const RATE_INTERVAL = '$__rate_interval';
export const RANGE = '$__range';
export const AUTO_INTERVAL = '$__auto';

// ---- query targets ----------------------------------------------------------

/** A PromQL query over the time range, one series per legend. */
export const promQuery = (expr: string, legend: string): prometheus.DataqueryBuilder =>
  new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE.prometheus)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .range();

/** A PromQL query at the end of the range: one value per series, for stats and tables. */
export const promInstantQuery = (expr: string, legend: string): prometheus.DataqueryBuilder =>
  new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE.prometheus)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .instant();

/** A LogQL query over the time range: log lines, or a metric query with a legend. */
export function lokiQuery(expr: string, legend?: string): loki.DataqueryBuilder {
  const query = new loki.DataqueryBuilder()
    .datasource(DATASOURCE.loki)
    .editorMode(loki.QueryEditorMode.Code)
    .expr(expr)
    .queryType('range');
  return legend === undefined ? query : query.legendFormat(legend);
}

/** A TraceQL search listing up to 20 matching traces. */
export const traceqlSearch = (query: string): tempo.DataqueryBuilder =>
  new tempo.DataqueryBuilder()
    .datasource(DATASOURCE.tempo)
    .queryType('traceql')
    .query(query)
    .limit(20)
    .tableType(tempo.SearchTableType.Traces);

/** Tempo's service graph, which it reads from its metrics in Prometheus. */
export const serviceGraphQuery = (): tempo.DataqueryBuilder =>
  new tempo.DataqueryBuilder().datasource(DATASOURCE.tempo).queryType('serviceMap');

/** The refId of a panel's n-th target (0 → A), for targets made in a loop. */
export const refIdAt = (index: number): string => String.fromCharCode('A'.charCodeAt(0) + index);

// ---- the look of each panel type ---------------------------------------------
// Only options nested under the panel are set here, so that a panel reads
// title, description, unit, datasource, size, targets, in that order.

/** Thin lines over a light fill, no points, every series in the tooltip. */
export const defaultTimeseries = (): timeseries.PanelBuilder =>
  new timeseries.PanelBuilder()
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );

/** Series stacked on each other, for parts of a whole (by route, by outcome). */
export const stackedTimeseries = (): timeseries.PanelBuilder =>
  defaultTimeseries()
    .fillOpacity(40)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));

/** The last value in its threshold colour, without a sparkline. */
export const defaultStat = (): stat.PanelBuilder =>
  new stat.PanelBuilder()
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));

export type Step = readonly [color: string, from: number | null];

/** Absolute thresholds: each colour applies from its value up (the first from -∞, null). */
export const steps = (...colors: Step[]): dashboard.ThresholdsConfigBuilder =>
  new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(colors.map(([color, value]) => ({ color, value })));

/** A value with no good or bad level, in the text colour. */
export const neutral = (): dashboard.ThresholdsConfigBuilder => steps(['text', null]);

/** Thresholds drawn on a time series as dashed lines, e.g. an SLO objective. */
export const dashedLines = (): common.GraphThresholdsStyleConfigBuilder =>
  new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed);

// ---- variables ----------------------------------------------------------------

/** The dashboard variables, all filled from the target labels of menagerie_build_info. */
export const VARIABLE = {
  namespace: TARGET_LABEL.namespace,
  service: TARGET_LABEL.service,
  pod: TARGET_LABEL.pod,
} as const;

/** Matches every value when a variable is set to "All". */
export const ALL_VALUE = '.+';

interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** The series whose label values fill the variable. */
  readonly series: string;
}

const VARIABLES: readonly VariableSpec[] = [
  {
    name: VARIABLE.namespace,
    label: 'Namespace',
    description: 'Kubernetes namespace (the local stack sets the same label).',
    series: COMMON_METRICS.buildInfo.name,
  },
  {
    name: VARIABLE.service,
    label: 'Service',
    description: 'Service name, as in the job/service target labels and the Loki app label.',
    series: `${COMMON_METRICS.buildInfo.name}{${inNamespace}}`,
  },
  {
    name: VARIABLE.pod,
    label: 'Pod',
    description: 'Pods of the selected services.',
    series: `${COMMON_METRICS.buildInfo.name}{${builds}}`,
  },
];

const labelValuesQuery = (v: VariableSpec): string => `label_values(${v.series}, ${v.name})`;

const variableBuilders = (): dashboard.QueryVariableBuilder[] =>
  VARIABLES.map((v) =>
    new dashboard.QueryVariableBuilder(v.name)
      .label(v.label)
      .description(v.description)
      .datasource(DATASOURCE.prometheus)
      .query(labelValuesQuery(v))
      .definition(labelValuesQuery(v))
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(ALL_VALUE)
      .current({ text: 'All', value: '$__all' }),
  );

// ---- rows and dashboards ---------------------------------------------------------

export interface Row {
  readonly title: string;
  readonly panels: readonly cog.Builder<dashboard.Panel>[];
}

/** A titled row of panels, laid out left to right and wrapped at the grid's 24 columns. */
export const row = (title: string, ...panels: cog.Builder<dashboard.Panel>[]): Row => ({ title, panels });

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly Row[];
  readonly annotations?: readonly dashboard.AnnotationQueryBuilder[];
}

const DASHBOARD_TAG = 'menagerie';

/** A Menagerie dashboard: read-only, the shared variables, links to the others, numbered panels. */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([DASHBOARD_TAG])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(variableBuilders())
    .link(
      new dashboard.DashboardLinkBuilder('Menagerie dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  builder.annotation(
    new dashboard.AnnotationQueryBuilder()
      .name('Annotations & Alerts')
      .builtIn(1)
      .datasource({ type: 'grafana', uid: '-- Grafana --' })
      .enable(true)
      .hide(true)
      .iconColor('rgba(0, 211, 255, 1)')
      .type('dashboard'),
  );
  for (const annotation of spec.annotations ?? []) builder.annotation(annotation);
  for (const { title, panels } of spec.rows) {
    // Rows stay expanded, so their panels sit beside them at the top level.
    builder.withRow(new dashboard.RowBuilder(title).collapsed(false));
    for (const panel of panels) builder.withPanel(panel);
  }
  const built = builder.build();
  (built.panels ?? []).forEach((panel, index) => {
    panel.id = index + 1;
  });
  return built;
}
