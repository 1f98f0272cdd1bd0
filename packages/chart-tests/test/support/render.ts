import { helmTemplate, type TemplateOptions } from '@menagerie/tools/charts/helm';
import { kubeconform } from '@menagerie/tools/charts/kubeconform';
import { type K8sObject, parseManifests } from '@menagerie/tools/charts/manifests';
import { customResourceProblems } from '@menagerie/tools/charts/validate';

/** Renders a chart and parses the objects. */
export async function render(chartDir: string, options: TemplateOptions = {}): Promise<K8sObject[]> {
  return parseManifests(await helmTemplate(chartDir, options));
}

/**
 * Every schema problem of the objects, as one list (empty when all validate):
 * kubeconform's report, and the prometheus-operator kinds it leaves out.
 */
export async function allSchemaProblems(objects: readonly K8sObject[]): Promise<string[]> {
  const result = await kubeconform(objects);
  return [...(result.ok ? [] : [result.output.trim()]), ...customResourceProblems(objects)];
}

export function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}
