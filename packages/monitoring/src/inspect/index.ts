/**
 * What checks use to inspect the generated dashboards and rules: every query
 * and rule in a flat list, Grafana's variable substitution, PromQL parsing
 * with Prometheus' own grammar, and the series names a query may select. The
 * generator does not need any of it, so the grammars stay out of its
 * dependencies: consumers of this entry point install the Lezer packages.
 */
export {
  CLUSTER_ONLY_METRIC_NAMES,
  CONTRACT_SERIES_NAMES,
  KUBERNETES_METRIC_NAMES,
  STANDARD_METRIC_NAMES,
} from './metric-names.ts';
export { type PromqlSyntaxError, promqlSyntaxErrors, selectedMetricNames } from './promql-parse.ts';
export {
  type DatasourceType,
  listPanelQueries,
  listVariableQueries,
  type PanelQuery,
  type VariableQuery,
} from './queries.ts';
export { type ListedRule, listRules } from './rules.ts';
export { DEFAULT_SUBSTITUTIONS, type Substitutions, substituteVariables } from './variables.ts';
