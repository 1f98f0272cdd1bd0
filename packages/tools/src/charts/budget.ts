import type { Requests } from './resources.ts';
import { KIND_NODES } from './stack-requests.ts';
import { type Values, valueAt } from './values.ts';

/** What the stack's requests must fit in, and on how many nodes it runs. */
export interface Budget {
  readonly requests: Requests;
  readonly nodes: number;
  /** Where the figure comes from, for messages. */
  readonly reason: string;
}

const GIB = 2 ** 30;

/** kind on a 4-CPU / 8 GiB laptop: kind's own pods (about 1 CPU) and the host need the rest. */
export const LAPTOP_BUDGET: Budget = {
  requests: { cpuMillis: 3000, memoryBytes: 6 * GIB },
  nodes: KIND_NODES,
  reason: 'a 4-CPU / 8 GiB laptop (at most 3 CPU and 6 GiB)',
};

/** The share of a node's capacity pods may request: the kubelet and the system reserve the rest. */
export const ALLOCATABLE_SHARE = 0.9;

/**
 * An environment's budget from its state values: a real cluster
 * (`cluster: {nodes, nodeCpu, nodeMemoryGiB}`) must hold every request on all
 * its nodes but one, so that one node can be drained with everything
 * rescheduled; kind environments have the laptop's.
 */
export function budgetOf(state: Values): Budget {
  const cluster = valueAt(state, ['cluster']) as
    | { nodes: number; nodeCpu: number; nodeMemoryGiB: number }
    | undefined;
  if (!cluster) return LAPTOP_BUDGET;
  const spare = cluster.nodes - 1;
  return {
    requests: {
      cpuMillis: Math.floor(spare * cluster.nodeCpu * 1000 * ALLOCATABLE_SHARE),
      memoryBytes: Math.floor(spare * cluster.nodeMemoryGiB * GIB * ALLOCATABLE_SHARE),
    },
    nodes: cluster.nodes,
    reason: `${cluster.nodes} nodes of ${cluster.nodeCpu} CPU / ${cluster.nodeMemoryGiB} GiB with one drained (${ALLOCATABLE_SHARE * 100}% of ${spare} nodes)`,
  };
}

export function fits(total: Requests, budget: Budget): boolean {
  return total.cpuMillis <= budget.requests.cpuMillis && total.memoryBytes <= budget.requests.memoryBytes;
}
