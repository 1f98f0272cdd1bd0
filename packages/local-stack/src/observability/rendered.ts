import { existsSync } from 'node:fs';
import { NAMESPACE, RELEASE } from '@menagerie/contract';
import { umbrellaCopy } from '@menagerie/tools/charts/charts';
import { helmTemplate } from '@menagerie/tools/charts/helm';
import { readHelmfile, releaseValuesFiles } from '@menagerie/tools/charts/helmfile';
import { findObject, type K8sObject, parseManifests } from '@menagerie/tools/charts/manifests';

/**
 * The umbrella release as `helmfile -e <environment>` would install it,
 * rendered by helm against upstream charts unpacked in `upstreamDir` (one
 * folder per chart, as for scripts/render-upstream.sh). The local stack takes
 * every program's configuration from these objects.
 */
export async function renderRelease(upstreamDir: string, environment: string): Promise<K8sObject[]> {
  if (!existsSync(upstreamDir)) throw new Error(`${upstreamDir} does not exist`);
  const helmfile = readHelmfile();
  const release = helmfile.releases.find((candidate) => candidate.name === RELEASE);
  if (!release) throw new Error(`helmfile.yaml has no release ${RELEASE}`);
  const valuesFiles = await releaseValuesFiles(helmfile, release, environment);
  const chartDir = umbrellaCopy({ upstreamDir });
  return parseManifests(
    await helmTemplate(chartDir, { release: RELEASE, namespace: NAMESPACE, valuesFiles }),
  );
}

/** One file of a rendered ConfigMap or Secret, as text. */
export function renderedFile(
  objects: readonly K8sObject[],
  kind: 'ConfigMap' | 'Secret',
  name: string,
  key: string,
): string {
  const object = findObject(objects, kind, name);
  const text = object.stringData?.[key] ?? object.data?.[key];
  if (typeof text !== 'string') throw new Error(`${kind} ${name} has no ${key}`);
  return kind === 'Secret' && object.data?.[key] !== undefined
    ? Buffer.from(text, 'base64').toString('utf8')
    : text;
}
