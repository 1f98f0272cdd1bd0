/** CPU in millicores and memory in bytes. */
export interface Requests {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

export const NO_REQUESTS: Requests = { cpuMillis: 0, memoryBytes: 0 };

/** The multipliers of a Kubernetes resource.Quantity's suffixes. */
export const QUANTITY_SUFFIXES: Readonly<Record<string, number>> = {
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

/** A Kubernetes CPU quantity ("250m", "0.5", 1) in millicores. */
export function cpuMillis(quantity: string | number): number {
  const text = String(quantity).trim();
  const match = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(text);
  if (!match) throw new Error(`not a CPU quantity: ${JSON.stringify(quantity)}`);
  const value = Number(match[1]);
  return match[2] === 'm' ? value : value * 1000;
}

/** A Kubernetes memory quantity ("384Mi", "1Gi", "500M", 1024) in bytes. */
export function memoryBytes(quantity: string | number): number {
  const text = String(quantity).trim();
  const match = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`not a memory quantity: ${JSON.stringify(quantity)}`);
  const factor = QUANTITY_SUFFIXES[match[2] ?? ''];
  if (factor === undefined) throw new Error(`not a memory quantity: ${JSON.stringify(quantity)}`);
  return Number(match[1]) * factor;
}

/** The requests of a container's `resources`, failing when either is missing. */
export function requestsOf(resources: unknown, where: string): Requests {
  const requests = (
    resources as { requests?: { cpu?: string | number; memory?: string | number } } | undefined
  )?.requests;
  if (requests?.cpu === undefined || requests.memory === undefined) {
    throw new Error(`${where}: no CPU and memory requests`);
  }
  return { cpuMillis: cpuMillis(requests.cpu), memoryBytes: memoryBytes(requests.memory) };
}

export function addRequests(a: Requests, b: Requests, times = 1): Requests {
  return { cpuMillis: a.cpuMillis + b.cpuMillis * times, memoryBytes: a.memoryBytes + b.memoryBytes * times };
}

/** "930m CPU, 2480 MiB (2.42 GiB)": the figure docs/deploy.md states. */
export function formatRequests(total: Requests): string {
  const mebibytes = total.memoryBytes / 2 ** 20;
  const gibibytes = total.memoryBytes / 2 ** 30;
  return `${Math.round(total.cpuMillis)}m CPU, ${Math.round(mebibytes)} MiB (${gibibytes.toFixed(2)} GiB)`;
}
