import type { Species } from '@menagerie/animals';
import { type Random, standardNormal, Z_99 } from '../random.ts';
import type { BehaviourProfile, LatencyFault } from './profile.ts';

/** What the profile does to one registration. */
export interface FaultDecision {
  /** Added delay in milliseconds; 0 for none. */
  delayMs: number;
  /** A 5xx status to answer instead of storing; undefined for none. */
  errorStatus: number | undefined;
}

export const NO_FAULT: FaultDecision = Object.freeze({ delayMs: 0, errorStatus: undefined });

export function sampleDelayMs(latency: LatencyFault, random: Random): number {
  const sigma = Math.log(latency.p99Ms / latency.medianMs) / Z_99;
  const delay = latency.medianMs * Math.exp(sigma * standardNormal(random));
  return Math.min(delay, latency.maxMs ?? 3 * latency.p99Ms);
}

export type FaultInjector = (species: Species) => FaultDecision;

export function faultInjector(profile: BehaviourProfile, random: Random): FaultInjector {
  return (species) => {
    const behaviour = profile.species[species];
    if (!behaviour) return NO_FAULT;
    const delayMs = behaviour.latency ? sampleDelayMs(behaviour.latency, random) : 0;
    const errorStatus =
      behaviour.errors && random() < behaviour.errors.rate ? behaviour.errors.status : undefined;
    return { delayMs, errorStatus };
  };
}
