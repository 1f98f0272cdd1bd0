/**
 * Schema validation of the custom resources where no CRD is at hand: the
 * render without upstream charts has none, so kubeconform skips these kinds
 * there (kubeconform.ts) and the schemas of the @kubernetes-models packages
 * check them instead: prometheus-operator's, Gateway API's, Envoy Gateway's
 * EnvoyProxy and Flux's. Every other kind is kubeconform's.
 */
import * as envoyGateway from '@kubernetes-models/envoy-gateway';
import * as fluxCd from '@kubernetes-models/flux-cd';
import * as gatewayApi from '@kubernetes-models/gateway-api';
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

/**
 * The model classes of the custom resources the project writes, by
 * "apiVersion/kind"; the packages nest them (monitoringCoreosCom.v1.ServiceMonitor, …).
 */
function collectModels(): Map<string, ModelClass> {
  const models = new Map<string, ModelClass>();
  const visit = (namespace: object, depth: number): void => {
    for (const value of Object.values(namespace)) {
      if (isModelClass(value)) models.set(`${value.apiVersion}/${value.kind}`, value);
      else if (value && typeof value === 'object' && depth < 4) visit(value, depth + 1);
    }
  };
  visit(prometheusOperator, 0);
  visit(gatewayApi, 0);
  visit(envoyGateway, 0);
  visit(fluxCd, 0);
  return models;
}

const MODELS = collectModels();

/** The custom-resource kinds as kubeconform names them in -skip: group/version/Kind. */
export const CUSTOM_RESOURCE_KINDS: readonly string[] = [...MODELS.keys()];

/**
 * The schema problems of the custom resources among `objects`
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

/**
 * The schema problems of one custom resource (Flux, Gateway API, Envoy
 * Gateway, prometheus-operator), or that no schema of theirs knows its kind.
 */
export function schemaProblems(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  if (!MODELS.has(key)) return [`${object.kind} ${object.metadata?.name}: no schema for ${key}`];
  return customResourceProblems([object]);
}
