/**
 * A read-only client of the Kubernetes API as `kubectl proxy` serves it on
 * loopback (authentication is the proxy's): the autoscaling demo reads an
 * HPA, its Deployment's pods and the custom metrics API through it.
 */
import { QUANTITY_SUFFIXES } from './charts/resources.ts';

const DEFAULT_TIMEOUT_MS = 5_000;

export interface KubernetesApi {
  readonly url: string;
  /** GETs an API path and parses the JSON; a status other than 2xx throws with the API's message. */
  get<T>(path: string): Promise<T>;
}

export function kubernetesApi(base: string, options: { timeoutMs?: number } = {}): KubernetesApi {
  const url = base.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    url,
    get: async <T>(path: string): Promise<T> => {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (!response.ok) {
        let message = text.slice(0, 300);
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {}
        throw new Error(`GET ${path}: ${response.status} ${message}`);
      }
      return JSON.parse(text) as T;
    },
  };
}

/** A resource.Quantity as the API writes it ("10500m", "12", "1.5k", "128Mi") as a number. */
export function quantityValue(quantity: string | number): number {
  const match = /^([+-]?[0-9]+(?:\.[0-9]+)?)(n|u|m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(quantity).trim());
  const factor = QUANTITY_SUFFIXES[match?.[2] ?? ''];
  if (!match || factor === undefined) throw new Error(`not a quantity: ${JSON.stringify(quantity)}`);
  return Number(match[1]) * factor;
}
