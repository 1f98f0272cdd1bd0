import { RUNBOOK_BASE_URL } from '@menagerie/contract';

/** Runbooks live in docs/runbooks/<AlertName>.md; alerts link to them by this URL. */
export const RUNBOOK_DIR = 'docs/runbooks';

export const runbookUrl = (alertName: string): string => `${RUNBOOK_BASE_URL}/${alertName}.md`;
