/** Span attributes of our own (beyond the OpenTelemetry semantic conventions). */
export const SPAN_ATTRIBUTE = {
  species: 'menagerie.animal.species',
  faultKind: 'menagerie.fault.kind',
  scenario: 'menagerie.client.scenario',
} as const;
