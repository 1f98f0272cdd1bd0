/** Span attributes of our own (beyond the OpenTelemetry semantic conventions). */
export const SPAN_ATTRIBUTE = {
  species: 'menagerie.animal.species',
  faultKind: 'menagerie.fault.kind',
  scenario: 'menagerie.client.scenario',
  /** On the client's span for a whole request (every attempt): the status its scenario expects. */
  expectedStatus: 'menagerie.client.expected_status',
  /** On the same span: `met` or `unmet` (the `expectation` label's values); unmet also sets error status. */
  expectation: 'menagerie.client.expectation',
} as const;
