/**
 * Turns the CustomResourceDefinitions in rendered manifests into JSON schemas
 * laid out for kubeconform's -schema-location
 * '{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json', so custom
 * resources are validated against the very CRDs the chart versions ship.
 *
 * It follows kubeconform's openapi2jsonschema.py: objects that list their
 * properties get `additionalProperties: false` (kubectl's strictness, root
 * excepted) and `format: int-or-string` becomes a string-or-integer choice.
 * Unlike that script it leaves objects marked x-kubernetes-preserve-unknown-fields
 * open, since the API server accepts unknown fields there. A Node port keeps the
 * charts job free of a Python toolchain, and is tested here.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;

export interface CrdSchema {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly schema: Schema;
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function strictSchema(node: unknown, root = true): unknown {
  if (Array.isArray(node)) return node.map((item) => strictSchema(item, false));
  if (!isObject(node)) return node;
  if (node.format === 'int-or-string') return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    // Under "properties" the keys are field names, each with its own schema.
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([name, s]) => [name, strictSchema(s, false)]))
        : strictSchema(value, false);
  }
  if (
    !root &&
    isObject(node.properties) &&
    !('additionalProperties' in node) &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

export function crdSchemas(manifests: string): CrdSchema[] {
  const found: CrdSchema[] = [];
  const visit = (doc: unknown) => {
    if (!isObject(doc)) return;
    if (Array.isArray(doc.items)) doc.items.forEach(visit);
    if (doc.kind !== 'CustomResourceDefinition' || !isObject(doc.spec)) return;
    const { group, names, versions } = doc.spec;
    if (
      typeof group !== 'string' ||
      !isObject(names) ||
      typeof names.kind !== 'string' ||
      !Array.isArray(versions)
    )
      return;
    for (const v of versions) {
      if (
        !isObject(v) ||
        typeof v.name !== 'string' ||
        !isObject(v.schema) ||
        !isObject(v.schema.openAPIV3Schema)
      )
        continue;
      found.push({
        group,
        kind: names.kind.toLowerCase(),
        version: v.name,
        schema: strictSchema(v.schema.openAPIV3Schema) as Schema,
      });
    }
  };
  for (const doc of parseAllDocuments(manifests)) visit(doc.toJS());
  return found;
}

export function writeSchemas(schemas: readonly CrdSchema[], outDir: string): string[] {
  return schemas.map((s) => {
    const dir = join(outDir, s.group);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${s.kind}_${s.version}.json`);
    writeFileSync(file, `${JSON.stringify(s.schema, null, 2)}\n`);
    return file;
  });
}

export function main(argv: readonly string[]): number {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  const inputs = argv.filter((_, i) => i !== outAt && i !== outAt + 1);
  if (!out || inputs.length === 0) {
    console.error('usage: crd-schemas.js --out DIR MANIFEST...');
    return 2;
  }
  const schemas = inputs.flatMap((file) => crdSchemas(readFileSync(file, 'utf8')));
  const unique = [...new Map(schemas.map((s) => [`${s.group}/${s.kind}_${s.version}`, s])).values()];
  if (unique.length === 0) {
    console.error(`no CustomResourceDefinition in ${inputs.join(', ')}: render with --include-crds`);
    return 1;
  }
  writeSchemas(unique, out);
  console.log(
    `${unique.length} schemas from ${new Set(unique.map((s) => s.group)).size} API groups written to ${out}`,
  );
  return 0;
}
