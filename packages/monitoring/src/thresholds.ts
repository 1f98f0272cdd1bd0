import { LATENCY_SLO } from '@menagerie/telemetry/contract';

/** Thresholds of the symptom alerts (the SLO numbers themselves live in the contract). */
export const SYMPTOM_THRESHOLD = {
  /** Store fill ratio; at 1 the server answers 507 to every new animal. */
  storeFullRatio: 0.9,
  /** Share of the client's requests that got no HTTP answer at all (network error or timeout). */
  clientUnreachableRatio: 0.05,
  /** The p99 latency symptom uses the latency SLO's own threshold. */
  latencyQuantile: 0.99,
  latencySeconds: LATENCY_SLO.thresholdSeconds,
  /** A restart within this window keeps the pod-restart alert firing. */
  restartWindow: '15m',
} as const;
