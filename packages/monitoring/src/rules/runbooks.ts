import { RUNBOOK_BASE_URL } from '@menagerie/contract';

/** Runbooks live in docs/runbooks/<AlertName>.md. */
export const RUNBOOK_DIR = 'docs/runbooks';

/**
 * The link the chart adds to an alert with the default `alerting.runbookBaseUrl`
 * (the contract's RUNBOOK_BASE_URL; a chart test checks the two agree).
 */
export const runbookUrl = (alertName: string, baseUrl: string = RUNBOOK_BASE_URL): string =>
  `${baseUrl}/${alertName}.md`;
