import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_DIR } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { renderAll } from '../src/index.ts';

describe('generated files', () => {
  const rendered = renderAll();

  it('are committed exactly as the generator writes them', () => {
    for (const [path, content] of rendered) {
      const committed = readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
      expect(
        committed,
        `${path} differs from the generator: run pnpm --filter @menagerie/monitoring generate`,
      ).to.equal(content);
    }
  });

  it('leave no stale file behind in the output folders', () => {
    for (const dir of Object.values(OUTPUT_DIR)) {
      for (const file of readdirSync(join(REPOSITORY_ROOT, dir))) {
        expect(rendered.has(`${dir}/${file}`), `${dir}/${file} has no source in the generator`).to.equal(
          true,
        );
      }
    }
  });
});
