import { OUTPUT_DIR } from '@menagerie/contract';
import { stringify } from 'yaml';
import { alertmanagerConfig } from './alertmanager/config.ts';
import { dashboardFiles } from './dashboards/index.ts';
import { ruleTestFiles } from './rule-tests/index.ts';
import { ruleFiles } from './rules/index.ts';
import { prometheusAdapterConfig } from './rules/prometheus-adapter.ts';

/** Every generated file: path relative to the repository root → exact content. */
export type RenderedFiles = ReadonlyMap<string, string>;

const HEADER = [
  '# Generated from packages/monitoring (pnpm --filter @menagerie/monitoring generate).',
  '# Do not edit: change the TypeScript and generate again; a test fails when this file drifts.',
].join('\n');

/** Plain YAML: no anchors (each rule stands alone) and no folding of long PromQL lines. */
export const toYaml = (value: unknown): string =>
  stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

export function renderAll(): RenderedFiles {
  const files = new Map<string, string>();
  for (const { name, dashboard } of dashboardFiles()) {
    files.set(`${OUTPUT_DIR.dashboards}/${name}.json`, `${JSON.stringify(dashboard, null, 2)}\n`);
  }
  for (const file of ruleFiles()) {
    files.set(`${OUTPUT_DIR.rules}/${file.name}.yaml`, `${HEADER}\n${toYaml({ groups: file.groups })}`);
  }
  for (const test of ruleTestFiles()) {
    files.set(`${OUTPUT_DIR.ruleTests}/${test.name}.yaml`, `${HEADER}\n${toYaml(test.content)}`);
  }
  files.set(`${OUTPUT_DIR.alertmanager}/alertmanager.yaml`, `${HEADER}\n${toYaml(alertmanagerConfig())}`);
  files.set(`${OUTPUT_DIR.prometheusAdapter}/config.yaml`, `${HEADER}\n${toYaml(prometheusAdapterConfig())}`);
  return files;
}
