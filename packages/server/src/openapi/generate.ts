import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { renderOpenApiDocument } from './document.ts';

/** Where the OpenAPI document is committed (the drift test compares it with the generator). */
export const OPENAPI_FILE = 'docs/openapi.json';

// Run as a script: `pnpm --filter @menagerie/server generate`.
if (import.meta.main) {
  writeFileSync(join(REPOSITORY_ROOT, OPENAPI_FILE), renderOpenApiDocument());
  console.log(`wrote ${OPENAPI_FILE}`);
}
