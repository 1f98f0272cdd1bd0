import { helmTemplate, type TemplateOptions } from '@menagerie/tools/charts/helm';
import { type K8sObject, parseManifests } from '@menagerie/tools/charts/manifests';
import { schemaProblems } from '@menagerie/tools/charts/validate';

/** Renders a chart and parses the objects. */
export async function render(chartDir: string, options: TemplateOptions = {}): Promise<K8sObject[]> {
  return parseManifests(await helmTemplate(chartDir, options));
}

/** Every schema problem of the objects, as one list (empty when all validate). */
export function allSchemaProblems(objects: readonly K8sObject[]): string[] {
  return objects.flatMap(schemaProblems);
}

export function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}
