import path from 'node:path';
import type { RuleFile } from '@menagerie/monitoring';
import { runbookUrl } from '@menagerie/monitoring';
import { UMBRELLA_DIR } from './charts.ts';
import { readValues } from './values.ts';

/** A rule file as the chart ships it: plain Prometheus rule-file YAML, parsed. */
type RuleFileSpec = Pick<RuleFile, 'groups'>;

/** The umbrella's default `alerting.runbookBaseUrl`. */
export function chartRunbookBaseUrl(): string {
  const alerting = readValues(path.join(UMBRELLA_DIR, 'values.yaml')).alerting as {
    runbookBaseUrl?: unknown;
  };
  if (typeof alerting?.runbookBaseUrl !== 'string')
    throw new Error('charts/menagerie/values.yaml has no alerting.runbookBaseUrl');
  return alerting.runbookBaseUrl;
}

/**
 * What the chart's templates/prometheus-rules.yaml does to each rule file: every
 * alert gets `runbook_url: <baseUrl>/<alert>.md`. The local stack gives
 * Prometheus its rule files through this, and a chart test holds the two equal.
 */
export function withRunbookLinks<T extends RuleFileSpec>(file: T, baseUrl: string): T {
  return {
    ...file,
    groups: file.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) =>
        'alert' in rule
          ? { ...rule, annotations: { ...rule.annotations, runbook_url: runbookUrl(rule.alert, baseUrl) } }
          : rule,
      ),
    })),
  };
}
