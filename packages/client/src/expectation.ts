import { type ClientOutcome, type Expectation, FAILED_OUTCOMES, type LogLevel } from '@menagerie/contract';
import { EXPECTED_STATUS, type Scenario } from './scenarios.ts';

/**
 * Whether the server answered as the scenario expects: exactly the status
 * EXPECTED_STATUS names. Anything else is unmet: a 5xx, no answer at all (a
 * timeout, a network error), a valid animal refused, an invalid one
 * accepted, a missing id found. The client doubles as a correctness check
 * of the server.
 */
export function expectationOf(scenario: Scenario, status: number | undefined): Expectation {
  return status === EXPECTED_STATUS[scenario] ? 'met' : 'unmet';
}

const failed = new Set<ClientOutcome>(FAILED_OUTCOMES);

/**
 * The level of a request's log line: debug when its outcome was expected;
 * error when the server failed the caller (a 5xx, a timeout, a network
 * error); warn for any other surprise (a 4xx where a success was due, a
 * success where a 4xx was).
 */
export function logLevelOf(outcome: ClientOutcome, expectation: Expectation): LogLevel {
  if (expectation === 'met') return 'debug';
  return failed.has(outcome) ? 'error' : 'warn';
}
