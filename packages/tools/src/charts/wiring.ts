import { parse } from 'yaml';
import { findObject, type K8sObject, ofKind } from './manifests.ts';

/** Where an in-cluster URL points: a Service (by its DNS name), a namespace and a port. */
export interface ServiceTarget {
  readonly service: string;
  /** Undefined for a short name, which resolves in the caller's own namespace. */
  readonly namespace: string | undefined;
  readonly port: number;
  readonly path: string;
}

/**
 * Parses http://<service>[.<namespace>[.svc[.cluster.local]]][:port][/path]
 * (or a bare host:port, as a Probe's prober URL is written).
 */
export function serviceTarget(address: string): ServiceTarget {
  const url = new URL(address.includes('://') ? address : `http://${address}`);
  const [service, namespace, ...rest] = url.hostname.split('.');
  if (!service || (rest.length > 0 && rest[0] !== 'svc')) throw new Error(`${address} is not a Service URL`);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { service, namespace, port, path: url.pathname };
}

/** The rendered Service a URL reaches, or an explanation of why none does. */
export function resolveService(
  address: string,
  objects: readonly K8sObject[],
  namespace: string,
): { service: K8sObject } | { problem: string } {
  const target = serviceTarget(address);
  if (target.namespace !== undefined && target.namespace !== namespace) {
    return { problem: `${address} points into namespace ${target.namespace}, not ${namespace}` };
  }
  const service = ofKind(objects, 'Service').find((object) => object.metadata.name === target.service);
  if (!service) return { problem: `${address}: no Service ${target.service} is rendered` };
  // biome-ignore lint/suspicious/noExplicitAny: a rendered Service port
  const ports = (service.spec.ports ?? []).map((port: any) => port.port as number);
  if (!ports.includes(target.port)) {
    return {
      problem: `${address}: Service ${target.service} has ports ${ports.join(', ')}, not ${target.port}`,
    };
  }
  return { service };
}

/**
 * The Service a DNS SRV endpoint names (Thanos's
 * `dnssrv+_<port>._tcp.<service>.<namespace>.svc.cluster.local`): it must be
 * rendered and have a port of that name, or the lookup finds nothing.
 */
export function resolveDnsSrv(
  endpoint: string,
  objects: readonly K8sObject[],
  namespace: string,
): { service: K8sObject } | { problem: string } {
  const match = /^dnssrv\+_([a-z0-9-]+)\._tcp\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(
    endpoint,
  );
  if (!match) return { problem: `${endpoint} is not a dnssrv+ Service endpoint` };
  const [, portName, name, inNamespace] = match;
  if (inNamespace !== namespace)
    return { problem: `${endpoint} points into namespace ${inNamespace}, not ${namespace}` };
  const service = ofKind(objects, 'Service').find((object) => object.metadata.name === name);
  if (!service) return { problem: `${endpoint}: no Service ${name} is rendered` };
  // biome-ignore lint/suspicious/noExplicitAny: a rendered Service port
  if (!(service.spec.ports ?? []).some((port: any) => port.name === portName)) {
    return { problem: `${endpoint}: Service ${name} has no port named ${portName}` };
  }
  return { service };
}

/** The datasources our ConfigMap provisions, by uid. */
export function provisionedDatasources(
  objects: readonly K8sObject[],
): Map<string, { type: string; url: string; isDefault: boolean; jsonData: Record<string, unknown> }> {
  const configMap = findObject(objects, 'ConfigMap', 'menagerie-grafana-datasources');
  const [file] = Object.values(configMap.data as Record<string, string>);
  const provisioning = parse(file ?? '') as {
    datasources: {
      uid: string;
      type: string;
      url: string;
      isDefault: boolean;
      jsonData: Record<string, unknown>;
    }[];
  };
  return new Map(provisioning.datasources.map((datasource) => [datasource.uid, datasource]));
}

/** Every `url = "…"` of an Alloy configuration's loki.write endpoints. */
export function alloyPushUrls(config: string): string[] {
  return [...config.matchAll(/endpoint\s*\{[^}]*url\s*=\s*"([^"]+)"/g)].map((match) => match[1] as string);
}
