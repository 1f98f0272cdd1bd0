import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardFiles } from '../dashboards/index.ts';
import { CLUSTER_ONLY_METRIC_NAMES } from './metric-names.ts';
import { selectedMetricNames } from './promql-parse.ts';

/**
 * Every query of every dashboard, in one flat list: what the static checks
 * parse and what the live check evaluates against a real Prometheus.
 */

export type DatasourceType = 'prometheus' | 'loki' | 'tempo';

export interface PanelQuery {
  readonly dashboardUid: string;
  readonly dashboardTitle: string;
  /** 0 for a dashboard annotation. */
  readonly panelId: number;
  readonly panelTitle: string;
  readonly panelType: string;
  readonly source: 'panel' | 'annotation';
  readonly refId: string;
  readonly datasource: { readonly type: DatasourceType; readonly uid: string };
  /** PromQL, LogQL or TraceQL; empty for a Tempo service-graph query. */
  readonly query: string;
  readonly queryType: string;
  readonly instant: boolean;
  /** Prometheus only: the metric names the query selects. */
  readonly metrics: readonly string[];
  /** Uses a metric only the cluster has (kube-state-metrics, cAdvisor, Tempo's generator). */
  readonly clusterOnly: boolean;
}

interface RawTarget {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  query?: string;
  queryType?: string;
  instant?: boolean;
}

function describeTarget(raw: RawTarget): Pick<PanelQuery, 'datasource' | 'query' | 'queryType' | 'instant'> {
  const type = raw.datasource?.type;
  const uid = raw.datasource?.uid ?? '';
  if (type === 'prometheus') {
    return {
      datasource: { type, uid },
      query: raw.expr ?? '',
      queryType: 'promql',
      instant: raw.instant === true,
    };
  }
  if (type === 'loki') {
    return {
      datasource: { type, uid },
      query: raw.expr ?? '',
      queryType: 'logql',
      instant: raw.queryType === 'instant',
    };
  }
  if (type === 'tempo') {
    return {
      datasource: { type, uid },
      query: raw.query ?? '',
      queryType: raw.queryType ?? '',
      instant: false,
    };
  }
  throw new Error(`a query has an unknown datasource type: ${String(type)}`);
}

function withMetrics(base: Omit<PanelQuery, 'metrics' | 'clusterOnly'>): PanelQuery {
  const metrics =
    base.queryType === 'promql'
      ? selectedMetricNames(base.query).map((name) => name ?? '{__name__ matcher}')
      : [];
  return { ...base, metrics, clusterOnly: metrics.some((m) => CLUSTER_ONLY_METRIC_NAMES.has(m)) };
}

export function listPanelQueries(): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const { dashboard: d } of dashboardFiles()) {
    const common = { dashboardUid: d.uid ?? '', dashboardTitle: d.title ?? '' };
    for (const annotation of d.annotations.list ?? []) {
      const raw = annotation as dashboard.AnnotationQuery & { expr?: string };
      if (!raw.expr) continue;
      queries.push(
        withMetrics({
          ...common,
          panelId: 0,
          panelTitle: raw.name,
          panelType: 'annotation',
          source: 'annotation',
          refId: raw.name,
          ...describeTarget({ expr: raw.expr, datasource: raw.datasource ?? {} } as RawTarget),
        }),
      );
    }
    for (const panel of d.panels ?? []) {
      if (panel.type === 'row') continue;
      const p = panel as dashboard.Panel;
      for (const target of (p.targets ?? []) as RawTarget[]) {
        queries.push(
          withMetrics({
            ...common,
            panelId: p.id ?? -1,
            panelTitle: p.title ?? '',
            panelType: p.type,
            source: 'panel',
            refId: target.refId ?? '',
            ...describeTarget(target),
          }),
        );
      }
    }
  }
  return queries;
}

export interface VariableQuery {
  readonly dashboardUid: string;
  readonly name: string;
  /** The series selector whose label values fill the variable (PromQL). */
  readonly series: string;
  readonly label: string;
}

const LABEL_VALUES = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/;

/** The `label_values(series, label)` query of every dashboard variable, as written in the dashboards. */
export const listVariableQueries = (): VariableQuery[] =>
  dashboardFiles().flatMap(({ dashboard: d }) =>
    (d.templating.list ?? []).map((variable) => {
      const match = LABEL_VALUES.exec(String(variable.query ?? ''));
      if (!match) throw new Error(`variable ${variable.name} of ${d.uid} is not a label_values query`);
      return {
        dashboardUid: d.uid ?? '',
        name: variable.name,
        series: match[1] ?? '',
        label: match[2] ?? '',
      };
    }),
  );
