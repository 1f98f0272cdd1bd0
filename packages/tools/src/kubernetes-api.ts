/**
 * A read-only client of the Kubernetes API as `kubectl proxy` serves it on
 * loopback (authentication is the proxy's): the autoscaling demo reads an
 * HPA, its Deployment's pods and the custom metrics API through it.
 */

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

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A resource.Quantity as the API writes it ("10500m", "12", "1.5k", "128Mi") as a number. */
export function quantityValue(quantity: string | number): number {
  const match = /^([+-]?[0-9]+(?:\.[0-9]+)?)(n|u|m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(quantity).trim());
  const factor = SUFFIXES[match?.[2] ?? ''];
  if (!match || factor === undefined) throw new Error(`not a quantity: ${JSON.stringify(quantity)}`);
  return Number(match[1]) * factor;
}
