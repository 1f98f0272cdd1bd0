/**
 * Schema validation of the prometheus-operator custom resources where no CRD
 * is at hand: the render without upstream charts has none, so kubeconform
 * skips these kinds there (kubeconform.ts) and the schemas of
 * @kubernetes-models/prometheus-operator check them instead. Every other kind
 * is kubeconform's.
 */
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import type { K8sObject } from './manifests.ts';

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

function isModelClass(value: unknown): value is ModelClass {
  return typeof value === 'function' && 'apiVersion' in value && 'kind' in value;
}

/** The model classes by "apiVersion/kind"; the package nests them (monitoringCoreosCom.v1.ServiceMonitor, …). */
function collectModels(): Map<string, ModelClass> {
  const models = new Map<string, ModelClass>();
  const visit = (namespace: object, depth: number): void => {
    for (const value of Object.values(namespace)) {
      if (isModelClass(value)) models.set(`${value.apiVersion}/${value.kind}`, value);
      else if (value && typeof value === 'object' && depth < 4) visit(value, depth + 1);
    }
  };
  visit(prometheusOperator, 0);
  return models;
}

const MODELS = collectModels();

/** The prometheus-operator kinds as kubeconform names them in -skip: group/version/Kind. */
export const PROMETHEUS_OPERATOR_KINDS: readonly string[] = [...MODELS.keys()];

/**
 * The schema problems of the prometheus-operator objects among `objects`
 * (types, required fields, formats, enums); other kinds are not looked at.
 */
export function customResourceProblems(objects: readonly K8sObject[]): string[] {
  return objects.flatMap((object) => {
    const model = MODELS.get(`${object.apiVersion}/${object.kind}`);
    if (!model) return [];
    try {
      new model(object).validate();
      return [];
    } catch (error) {
      return [`${object.kind} ${object.metadata.name}: ${(error as Error).message}`];
    }
  });
}
