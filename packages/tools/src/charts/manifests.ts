import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, loosely typed: tests read what they check. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: the rest of the object is read by tests that know its kind
  readonly [key: string]: any;
}

function checked(value: K8sObject): K8sObject {
  if (!value.apiVersion || !value.kind || !value.metadata?.name) {
    throw new Error(
      `rendered document without apiVersion, kind or name: ${JSON.stringify(value).slice(0, 200)}`,
    );
  }
  return value;
}

/**
 * Parses `helm template` output into objects, failing on YAML errors and
 * empty documents' neighbours alike. A `kind: List` (kube-prometheus-stack
 * renders its per-replica Services as one) gives its items, as kubectl and
 * Helm apply them.
 */
export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new Error(`invalid YAML in rendered manifests: ${document.errors[0]}`);
    const value = document.toJS() as (K8sObject & { items?: K8sObject[] }) | null;
    if (value === null) continue;
    if (value.kind === 'List' && value.apiVersion === 'v1') {
      for (const item of value.items ?? []) objects.push(checked(item));
    } else {
      objects.push(checked(value));
    }
  }
  return objects;
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    const names = ofKind(objects, kind).map((object) => object.metadata.name);
    throw new Error(`no ${kind} named ${name} (found: ${names.join(', ') || 'none'})`);
  }
  return found;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod']);

/** The pod spec of a workload or a bare Pod. */
// biome-ignore lint/suspicious/noExplicitAny: pod specs are read field by field
export function podSpecOf(object: K8sObject): any {
  if (!WORKLOAD_KINDS.has(object.kind))
    throw new Error(`${object.kind} ${object.metadata.name} has no pod spec`);
  return object.kind === 'Pod' ? object.spec : object.spec.template.spec;
}

/** Pod labels of a workload or a bare Pod. */
export function podLabelsOf(object: K8sObject): Record<string, string> {
  return (object.kind === 'Pod' ? object.metadata.labels : object.spec.template.metadata?.labels) ?? {};
}

export function workloads(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((object) => WORKLOAD_KINDS.has(object.kind));
}

/** Whether every key/value of `selector` is among `labels` (a matchLabels selector). */
export function selects(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The value of a container's env var, or undefined. */
export function envValue(
  container: { env?: { name: string; value?: string }[] },
  name: string,
): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}
