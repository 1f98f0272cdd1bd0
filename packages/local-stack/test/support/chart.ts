import path from 'node:path';
import { DATASOURCE_UID, NAMESPACE, RELEASE } from '@menagerie/contract';
import { removeTempDirs, UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import { helmTemplate } from '@menagerie/tools/charts/helm';
import { type K8sObject, parseManifests } from '@menagerie/tools/charts/manifests';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import { provisionedDatasources } from '@menagerie/tools/charts/wiring';
import type { Stage } from './log-pipeline.ts';

/** The umbrella chart's values, as Helm reads them. */
const values = () => readValues(path.join(UMBRELLA_DIR, 'values.yaml'));

/** promtail's pipeline stages, from the chart's values. */
export const promtailStages = (): Stage[] =>
  valueAt(values(), ['promtail', 'config', 'snippets', 'pipelineStages']) as Stage[];

/** The Alloy configuration, from the chart's values. */
export const alloyConfig = (): string =>
  valueAt(values(), ['alloy', 'alloy', 'configMap', 'content']) as string;

export interface DerivedField {
  readonly name: string;
  readonly matcherRegex: string;
  readonly datasourceUid: string;
}

/** The Loki datasource's derived fields, as `helm template` renders the chart's datasource ConfigMap. */
export async function lokiDerivedFields(): Promise<DerivedField[]> {
  try {
    const chartDir = umbrellaCopy();
    const objects = parseManifests(
      await helmTemplate(chartDir, {
        release: RELEASE,
        namespace: NAMESPACE,
        showOnly: 'templates/grafana-datasources.yaml',
      }),
    );
    const loki = provisionedDatasources(objects).get(DATASOURCE_UID.loki);
    return (loki?.jsonData.derivedFields ?? []) as DerivedField[];
  } finally {
    removeTempDirs();
  }
}

/** The umbrella's own templates and the app charts, rendered with the chart's values (no upstream charts). */
export async function renderOwnTemplates(): Promise<K8sObject[]> {
  try {
    return parseManifests(await helmTemplate(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE }));
  } finally {
    removeTempDirs();
  }
}
