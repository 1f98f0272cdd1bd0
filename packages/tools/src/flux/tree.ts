import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../charts/manifests.ts';

/** The Flux tree: what a cluster's Flux reconciles (docs/gitops.md). */
export const FLUX_DIR = path.join(REPOSITORY_ROOT, 'deploy/flux');

/** kustomize's own files in the tree: build instructions, not objects for the cluster. */
const KUSTOMIZE_FILES = new Set(['kustomization.yaml', 'kustomizeconfig.yaml']);

/** An object of the Flux tree, with the file it is written in (relative to the repository). */
export interface FluxObject {
  readonly file: string;
  readonly object: K8sObject;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return name.endsWith('.yaml') ? [file] : [];
  });
}

/** Every object in the Flux tree's YAML files, kustomize's files left out. */
export function readFluxObjects(dir = FLUX_DIR): FluxObject[] {
  return yamlFiles(dir)
    .filter((file) => !KUSTOMIZE_FILES.has(path.basename(file)))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(file, 'utf8')).flatMap((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]}`);
        const object = document.toJS() as K8sObject | null;
        return object ? [{ file: path.relative(REPOSITORY_ROOT, file), object }] : [];
      }),
    );
}

/** A kustomization.yaml: the parts the tree uses. */
export interface KustomizeFile {
  readonly namespace?: string;
  readonly resources?: readonly string[];
  readonly configMapGenerator?: readonly { name: string; files: readonly string[] }[];
  readonly secretGenerator?: readonly { name: string; files: readonly string[] }[];
  readonly configurations?: readonly string[];
}

export function readKustomizeFile(dir: string): KustomizeFile {
  return parseAllDocuments(
    readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
  )[0]?.toJS() as KustomizeFile;
}

/** A generator's files, as absolute paths, keyed by the data key each becomes (`key=path`, or the file's name). */
export function generatorFiles(dir: string, files: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((entry) => {
      const [key, file] = entry.includes('=') ? entry.split('=', 2) : [path.basename(entry), entry];
      return [key as string, path.resolve(dir, file as string)];
    }),
  );
}
