import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHARTS_DIR, makeTempDir } from '@menagerie/tools/charts/charts';
import { chartDirs, readmeDrift } from '@menagerie/tools/charts/readmes';
import { expect } from 'chai';

describe("the charts' README.md files (helm-docs)", () => {
  it('are committed exactly as helm-docs writes them from Chart.yaml and values.yaml', async () => {
    expect(chartDirs().map((dir) => path.basename(dir))).to.include.members(['menagerie']);
    expect(await readmeDrift(), 'run scripts/chart-readmes.sh').to.deep.equal([]);
  });

  it('differ as soon as a documented value or its comment changes, or a chart has none', async () => {
    const charts = path.join(makeTempDir('readme-fixture'), 'charts');
    cpSync(CHARTS_DIR, charts, { recursive: true });
    const [first, second] = chartDirs(charts).map((dir) => path.basename(dir));
    if (!first || !second) throw new Error('expected two charts at least');
    const values = path.join(charts, first, 'values.yaml');
    const text = readFileSync(values, 'utf8');
    const changed = text.replace(/# -- \S+/, '# -- A comment the README does not have');
    expect(changed).to.not.equal(text);
    writeFileSync(values, changed);
    rmSync(path.join(charts, second, 'README.md'));
    expect(await readmeDrift(charts)).to.have.members([
      `charts/${first}/README.md`,
      `charts/${second}/README.md`,
    ]);
  });
});
