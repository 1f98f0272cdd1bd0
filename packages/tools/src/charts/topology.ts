import { type Values, valueAt } from './values.ts';

/**
 * Which mode each part of the stack runs in, read from the umbrella's
 * effective values: the laptop environments run everything in one pod each;
 * the production environment reads metrics through Thanos, runs Loki in its
 * simple scalable mode and Tempo as microservices.
 */
export interface Topology {
  /** Thanos Query (deduplicating the Prometheus replicas) in front of Prometheus and object storage. */
  readonly thanos: boolean;
  readonly lokiMonolithic: boolean;
  readonly tempoDistributed: boolean;
}

export function topologyOf(values: Values): Topology {
  return {
    thanos: valueAt(values, ['thanos', 'enabled']) === true,
    lokiMonolithic: valueAt(values, ['loki', 'deploymentMode']) === 'Monolithic',
    tempoDistributed: valueAt(values, ['tempo-distributed', 'enabled']) === true,
  };
}
