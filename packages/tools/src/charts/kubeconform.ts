/**
 * kubeconform, strict, on rendered objects: every Kubernetes kind against the
 * schemas of the version the kind cluster runs (kubernetes-schemas.ts), custom
 * resources against schemas made from their CRDs (ci/crd-schemas.ts) when a
 * directory of them is given. Without one, the prometheus-operator kinds are
 * left to customResourceProblems (validate.ts): the CRDs come with an upstream
 * chart that an offline render does not have.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './charts.ts';
import { kubernetesSchemaDir, pinnedKubernetesVersion } from './kubernetes-schemas.ts';
import type { K8sObject } from './manifests.ts';
import { runTool, type ToolResult } from './tool.ts';
import { CUSTOM_RESOURCE_KINDS } from './validate.ts';

export interface KubeconformOptions {
  /** Schemas in crd-schemas' layout, {group}/{kind}_{version}.json. */
  readonly crdSchemaDir?: string;
  /**
   * Kinds to leave out (group/version/Kind) even with crdSchemaDir: custom
   * resources whose CRDs that directory lacks, for customResourceProblems.
   */
  readonly skip?: readonly string[];
}

/**
 * The custom-resource kinds (group/version/Kind) among `objects` that
 * crdSchemaDir has no schema for: kubeconform cannot check them there.
 */
export function kindsWithoutCrdSchema(objects: readonly K8sObject[], crdSchemaDir: string): string[] {
  const kinds = new Set(objects.map((object) => `${object.apiVersion}/${object.kind}`));
  return CUSTOM_RESOURCE_KINDS.filter((key) => {
    if (!kinds.has(key)) return false;
    const [group, version, kind] = key.split('/') as [string, string, string];
    return !existsSync(path.join(crdSchemaDir, group, `${kind.toLowerCase()}_${version}.json`));
  });
}

export function kubeconformArgs(files: readonly string[], options: KubeconformOptions = {}): string[] {
  const version = pinnedKubernetesVersion();
  const args = [
    '-strict',
    '-summary',
    '-output',
    'text',
    '-kubernetes-version',
    version,
    '-schema-location',
    `${kubernetesSchemaDir(version)}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
  ];
  if (options.crdSchemaDir) {
    args.push(
      '-schema-location',
      `${options.crdSchemaDir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
    );
    if (options.skip?.length) args.push('-skip', options.skip.join(','));
  } else {
    args.push('-skip', CUSTOM_RESOURCE_KINDS.join(','));
  }
  return [...args, ...files];
}

/** kubeconform on manifest files. */
export function kubeconformFiles(
  files: readonly string[],
  options: KubeconformOptions = {},
): Promise<ToolResult> {
  return runTool('kubeconform', kubeconformArgs(files, options));
}

/** kubeconform on parsed objects (written out as one multi-document file). */
export function kubeconform(
  objects: readonly K8sObject[],
  options: KubeconformOptions = {},
): Promise<ToolResult> {
  const file = path.join(makeTempDir('kubeconform'), 'objects.yaml');
  writeFileSync(file, objects.map((object) => JSON.stringify(object)).join('\n---\n'));
  return kubeconformFiles([file], options);
}
