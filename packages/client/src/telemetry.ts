import { CLIENT_METRICS, type ClientOutcome } from '@menagerie/contract';
import { createMetricSet, durationRecorder, labelChildren, type Registry } from '@menagerie/telemetry';
import type { UnsentReason } from './open-loop.ts';
import type { Scenario } from './scenarios.ts';

/** What the load loop reports; a no-op with TELEMETRY=off. */
export interface ClientTelemetry {
  scheduled(): void;
  unsent(reason: UnsentReason): void;
  inFlight(delta: 1 | -1): void;
  answered(scenario: Scenario, outcome: ClientOutcome, seconds: number, traceId: string | undefined): void;
}

export const clientTelemetryOff: ClientTelemetry = {
  scheduled: () => {},
  unsent: () => {},
  inFlight: () => {},
  answered: () => {},
};

/** The client's metrics, in the registry both services' telemetry set-up creates. */
export function clientTelemetry(registry: Registry, targetRate: number): ClientTelemetry {
  const m = createMetricSet(registry, CLIENT_METRICS, { exemplars: true });
  m.targetRate.set(targetRate);
  m.requestsScheduled.inc(0);
  m.requestsUnsent.labels('max_in_flight').inc(0);
  const unsent = labelChildren((reason) => m.requestsUnsent.labels(reason));
  const duration = durationRecorder(m.requestDuration, CLIENT_METRICS.requestDuration.labels, true);
  return {
    scheduled: () => m.requestsScheduled.inc(),
    unsent: (reason) => unsent(reason).inc(),
    inFlight: (delta) => m.requestsInFlight.inc(delta),
    answered: (scenario, outcome, seconds, traceId) =>
      duration.observe([scenario, outcome], seconds, traceId),
  };
}
