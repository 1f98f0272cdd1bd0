import { CLIENT_METRICS, type ClientOutcome, type Expectation } from '@menagerie/contract';
import { createMetricSet, durationRecorder, labelChildren, type Registry } from '@menagerie/telemetry';
import type { UnsentReason } from './open-loop.ts';
import { outcomeOfStatus } from './outcome.ts';
import { ALL_SCENARIOS, EXPECTED_STATUS, type Scenario } from './scenarios.ts';

/** What the load loop reports; a no-op with TELEMETRY=off. */
export interface ClientTelemetry {
  scheduled(): void;
  unsent(reason: UnsentReason): void;
  inFlight(delta: 1 | -1): void;
  answered(
    scenario: Scenario,
    outcome: ClientOutcome,
    expectation: Expectation,
    seconds: number,
    traceId: string | undefined,
  ): void;
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
  const checked = labelChildren((scenario, outcome, expectation) =>
    m.expectations.labels(scenario, outcome, expectation),
  );
  // Each scenario's expected answer from the start at 0: the series exist in
  // every scrape, and rate() counts the first request instead of taking it as the start.
  for (const scenario of ALL_SCENARIOS)
    checked(scenario, outcomeOfStatus(EXPECTED_STATUS[scenario]), 'met').inc(0);
  return {
    scheduled: () => m.requestsScheduled.inc(),
    unsent: (reason) => unsent(reason).inc(),
    inFlight: (delta) => m.requestsInFlight.inc(delta),
    answered: (scenario, outcome, expectation, seconds, traceId) => {
      duration.observe([scenario, outcome], seconds, traceId);
      checked(scenario, outcome, expectation).inc();
    },
  };
}
