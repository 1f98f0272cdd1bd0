import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { COMMON_METRICS, DATASOURCE_UID, TARGET_LABEL } from '@menagerie/contract';
import { builds, inNamespace } from '../queries/scope.ts';

/**
 * The building blocks every Menagerie dashboard shares: datasources by their
 * provisioned uid, the namespace/service/pod variables, and panel helpers that
 * insist on a description and a unit.
 */

export const DATASOURCE = {
  prometheus: { type: 'prometheus', uid: DATASOURCE_UID.prometheus },
  loki: { type: 'loki', uid: DATASOURCE_UID.loki },
  tempo: { type: 'tempo', uid: DATASOURCE_UID.tempo },
} as const;
type DatasourceRef = (typeof DATASOURCE)[keyof typeof DATASOURCE];

/** Grafana's own interval macros; the live check substitutes them. */
export const RATE_INTERVAL = '$__rate_interval';
export const RANGE = '$__range';
export const AUTO_INTERVAL = '$__auto';

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

export const VARIABLES: readonly VariableSpec[] = [
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

// ---- queries ---------------------------------------------------------------

export interface Target extends cog.Builder<cog.Dataquery> {
  refId(refId: string): this;
}
interface Query {
  readonly datasource: DatasourceRef;
  readonly target: Target;
}

export interface PromOptions {
  readonly instant?: boolean;
  readonly exemplar?: boolean;
  readonly table?: boolean;
}

export function prom(expr: string, legend = '__auto', options: PromOptions = {}): Query {
  const target = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE.prometheus)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend);
  if (options.instant) target.instant();
  else target.range();
  if (options.exemplar) target.exemplar(true);
  if (options.table) target.format(prometheus.PromQueryFormat.Table);
  return { datasource: DATASOURCE.prometheus, target };
}

export function logql(expr: string, legend = '', options: { instant?: boolean } = {}): Query {
  const target = new loki.DataqueryBuilder()
    .datasource(DATASOURCE.loki)
    .editorMode(loki.QueryEditorMode.Code)
    .expr(expr)
    .queryType(options.instant ? 'instant' : 'range');
  if (legend) target.legendFormat(legend);
  return { datasource: DATASOURCE.loki, target };
}

export function traceql(query: string, limit = 20): Query {
  const target = new tempo.DataqueryBuilder()
    .datasource(DATASOURCE.tempo)
    .queryType('traceql')
    .query(query)
    .limit(limit)
    .tableType(tempo.SearchTableType.Traces);
  return { datasource: DATASOURCE.tempo, target };
}

export function serviceGraph(): Query {
  const target = new tempo.DataqueryBuilder().datasource(DATASOURCE.tempo).queryType('serviceMap');
  return { datasource: DATASOURCE.tempo, target };
}

// ---- panels ----------------------------------------------------------------

interface PanelBuilderLike extends cog.Builder<dashboard.Panel> {
  title(title: string): this;
  description(description: string): this;
  unit(unit: string): this;
  datasource(datasource: { type: string; uid: string }): this;
  withTarget(target: cog.Builder<cog.Dataquery>): this;
  span(w: number): this;
  height(h: number): this;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  /** A Grafana unit id; `none` only where a panel shows no numbers. */
  readonly unit: string;
  readonly queries: readonly Query[];
  readonly span?: number;
  readonly height?: number;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function dress<B extends PanelBuilderLike>(builder: B, spec: PanelSpec): B {
  const datasources = new Set(spec.queries.map((q) => q.datasource));
  if (datasources.size !== 1) throw new Error(`panel "${spec.title}" must query exactly one datasource`);
  builder
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource([...datasources][0] as DatasourceRef)
    .span(spec.span ?? 12)
    .height(spec.height ?? 8);
  spec.queries.forEach((q, i) => {
    builder.withTarget(q.target.refId(REF_IDS[i] as string));
  });
  return builder;
}

export type Steps = readonly (readonly [color: string, from: number | null])[];

const thresholdsOf = (steps: Steps): dashboard.ThresholdsConfigBuilder =>
  new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([color, value]) => ({ color, value })));

export interface TimeseriesSpec extends PanelSpec {
  readonly stacked?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Drawn as dashed lines, e.g. an SLO threshold. */
  readonly thresholds?: Steps;
}

export function timeseriesPanel(spec: TimeseriesSpec): timeseries.PanelBuilder {
  const panel = dress(new timeseries.PanelBuilder(), spec)
    .lineWidth(1)
    .fillOpacity(spec.stacked ? 40 : 10)
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
  if (spec.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.thresholds) {
    panel
      .thresholds(thresholdsOf(spec.thresholds))
      .thresholdsStyle(
        new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
      );
  }
  return panel;
}

export interface StatSpec extends PanelSpec {
  readonly thresholds?: Steps;
  readonly decimals?: number;
}

export function statPanel(spec: StatSpec): stat.PanelBuilder {
  const panel = dress(new stat.PanelBuilder(), { span: 4, height: 5, ...spec })
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  panel.thresholds(thresholdsOf(spec.thresholds ?? [['text', null]]));
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

export interface TableSpec extends PanelSpec {
  readonly transformations?: readonly dashboard.DataTransformerConfig[];
  /** Field name → a data link that opens the field's value as a Tempo trace. */
  readonly traceLinkField?: string;
}

export function tablePanel(spec: TableSpec): table.PanelBuilder {
  const panel = dress(new table.PanelBuilder(), spec);
  for (const t of spec.transformations ?? []) panel.withTransformation(t);
  if (spec.traceLinkField) {
    panel.overrideByName(spec.traceLinkField, [
      {
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
      },
    ]);
  }
  return panel;
}

export function logsPanel(spec: PanelSpec): logs.PanelBuilder {
  return dress(new logs.PanelBuilder(), spec)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

export function nodeGraphPanel(spec: PanelSpec): nodegraph.PanelBuilder {
  return dress(new nodegraph.PanelBuilder(), spec);
}

// ---- dashboards ------------------------------------------------------------

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly cog.Builder<dashboard.Panel>[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly RowSpec[];
  readonly annotations?: readonly dashboard.AnnotationQueryBuilder[];
}

export const DASHBOARD_TAG = 'menagerie';

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
  for (const row of spec.rows) {
    // Rows stay expanded, so their panels sit beside them at the top level.
    builder.withRow(new dashboard.RowBuilder(row.title).collapsed(false));
    for (const panel of row.panels) builder.withPanel(panel);
  }
  const built = builder.build();
  (built.panels ?? []).forEach((panel, index) => {
    panel.id = index + 1;
  });
  return built;
}
