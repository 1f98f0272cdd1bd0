import * as envoyGateway from '@kubernetes-models/envoy-gateway';
import * as fluxCd from '@kubernetes-models/flux-cd';
import * as gatewayApi from '@kubernetes-models/gateway-api';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import * as kubernetes from 'kubernetes-models';
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
 * Every model class of the Kubernetes API and the custom resources the
 * project writes (prometheus-operator; Gateway API and Envoy Gateway's
 * EnvoyProxy; Flux's sources, HelmReleases and Kustomizations), by
 * "apiVersion/kind". The packages export them in nested namespaces
 * (apps.v1.Deployment, monitoringCoreosCom.v1.ServiceMonitor, …).
 */
function collectModels(): Map<string, ModelClass> {
  const models = new Map<string, ModelClass>();
  const visit = (namespace: object, depth: number): void => {
    for (const value of Object.values(namespace)) {
      if (isModelClass(value)) models.set(`${value.apiVersion}/${value.kind}`, value);
      else if (value && typeof value === 'object' && depth < 4) visit(value, depth + 1);
    }
  };
  visit(kubernetes, 0);
  visit(prometheusOperator, 0);
  visit(gatewayApi, 0);
  visit(envoyGateway, 0);
  visit(fluxCd, 0);
  return models;
}

const MODELS = collectModels();

/**
 * Validates an object against its JSON schema (types, required fields,
 * formats, enums). Returns the problems; an apiVersion/kind the schemas do not
 * know is a problem too, so a typo in either cannot pass unchecked.
 */
export function schemaProblems(object: K8sObject): string[] {
  const model = MODELS.get(`${object.apiVersion}/${object.kind}`);
  const where = `${object.kind} ${object.metadata.name}`;
  if (!model) return [`${where}: no schema for ${object.apiVersion}/${object.kind}`];
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

export function knowsSchema(apiVersion: string, kind: string): boolean {
  return MODELS.has(`${apiVersion}/${kind}`);
}
