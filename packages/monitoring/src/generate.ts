import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OUTPUT_DIR } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { renderAll } from './render.ts';

/**
 * Writes the dashboards, rule files and Alertmanager configuration into the
 * chart, and removes generated files that no longer have a source.
 */

const files = renderAll();
for (const dir of Object.values(OUTPUT_DIR)) {
  const absolute = join(REPOSITORY_ROOT, dir);
  mkdirSync(absolute, { recursive: true });
  for (const existing of readdirSync(absolute)) {
    if (!files.has(`${dir}/${existing}`)) rmSync(join(absolute, existing));
  }
}
for (const [path, content] of files) {
  writeFileSync(join(REPOSITORY_ROOT, path), content);
  console.log(`wrote ${relative(process.cwd(), join(REPOSITORY_ROOT, path))}`);
}
