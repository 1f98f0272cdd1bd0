import { helmTemplate, type TemplateOptions } from '../../src/helm.ts';
import { type K8sObject, parseManifests } from '../../src/manifests.ts';
import { schemaProblems } from '../../src/validate.ts';

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
