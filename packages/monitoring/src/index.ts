export {
  alertmanagerConfig,
  EXPLAINED_BY_SERVER_DOWN,
  PAGING_KEY_FILE,
  RECEIVER,
  SERVER_GONE,
} from './alertmanager/config.ts';
export { type DashboardFile, dashboardFiles } from './dashboards/index.ts';
export { ALL_VALUE, DATASOURCE, VARIABLE } from './dashboards/kit.ts';
export {
  listPanelQueries,
  listVariableQueries,
  type PanelQuery,
  type VariableQuery,
} from './dashboards/queries.ts';
export {
  CLUSTER_ONLY_METRIC,
  CLUSTER_ONLY_METRIC_NAMES,
  CONTRACT_SERIES_NAMES,
  STANDARD_METRIC,
  STANDARD_METRIC_NAMES,
} from './metrics.ts';
export { REPOSITORY_ROOT } from './paths.ts';
export { promqlSyntaxErrors, selectedMetricNames } from './promql-parse.ts';
export { type RenderedFiles, renderAll } from './render.ts';
export { type ListedRule, listRules, ruleFiles } from './rules/index.ts';
export { RUNBOOK_DIR, runbookUrl } from './rules/runbooks.ts';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './rules/types.ts';
export {
  AVAILABILITY_SLI,
  LATENCY_SLI,
  SLIS,
  type SliDefinition,
  sliErrorRatio,
} from './slo.ts';
export { DEFAULT_SUBSTITUTIONS, substituteVariables } from './variables.ts';
