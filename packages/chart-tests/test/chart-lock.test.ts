import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chartLock, formatChartLock, hashRequirements } from '@menagerie/tools/charts/chart-lock';
import {
  CHARTS_DIR,
  makeTempDir,
  readChart,
  SERVER_CHART_DIR,
  UMBRELLA_DIR,
} from '@menagerie/tools/charts/charts';
import { helm } from '@menagerie/tools/charts/helm';
import { expect } from 'chai';
import { parse } from 'yaml';

/** A copy of charts/ with Helm's home in a temp dir that knows no repository, so nothing reaches the network. */
function offlineCopy(): { chartDir: string; home: string } {
  const root = makeTempDir('lock');
  cpSync(CHARTS_DIR, path.join(root, 'charts'), { recursive: true });
  const home = path.join(root, 'helm');
  mkdirSync(path.join(home, 'config'), { recursive: true });
  writeFileSync(path.join(home, 'config', 'repositories.yaml'), 'apiVersion: ""\nrepositories: []\n');
  return { chartDir: path.join(root, 'charts', 'menagerie'), home };
}

describe('Chart.lock', () => {
  it('locks every dependency of Chart.yaml at its pinned version, with the digest Helm computes', () => {
    const committed = parse(readFileSync(path.join(UMBRELLA_DIR, 'Chart.lock'), 'utf8'));
    const expected = chartLock(UMBRELLA_DIR, new Date());
    expect(committed.dependencies).to.deep.equal(expected.dependencies);
    expect(committed.digest).to.equal(expected.digest);
    expect(readChart(UMBRELLA_DIR).dependencies?.map((d) => d.name)).to.deep.equal(
      committed.dependencies.map((d: { name: string }) => d.name),
    );
  });

  it('passes the check `helm dependency build` makes before it downloads anything', async () => {
    const { chartDir, home } = offlineCopy();
    const result = await helm(['dependency', 'build', chartDir, '--skip-refresh'], { home });
    expect(result.ok, 'it cannot download here').to.equal(false);
    expect(result.stderr).to.not.include('out of sync');
    expect(result.stderr).to.include('no repository definition for https://');
  });

  it('is caught out of sync by helm when Chart.yaml changes and the lock does not', async () => {
    const { chartDir, home } = offlineCopy();
    const chartFile = path.join(chartDir, 'Chart.yaml');
    writeFileSync(chartFile, readFileSync(chartFile, 'utf8').replace('version: 2.2.4', 'version: 2.2.5'));
    const result = await helm(['dependency', 'build', chartDir, '--skip-refresh'], { home });
    expect(result.stderr).to.include('the lock file (Chart.lock) is out of sync');
  });

  it("hashes exactly as Helm does, for every field Helm's digest covers", async () => {
    // A chart whose only dependency is local: `helm dependency update` locks it offline.
    const root = makeTempDir('hash');
    cpSync(SERVER_CHART_DIR, path.join(root, 'menagerie-server'), { recursive: true });
    const chartDir = path.join(root, 'parent');
    mkdirSync(chartDir);
    writeFileSync(
      path.join(chartDir, 'Chart.yaml'),
      [
        'apiVersion: v2',
        'name: parent',
        'version: 0.1.0',
        'dependencies:',
        '  - name: menagerie-server',
        '    version: ">=0.1.0 <1.0.0"',
        '    repository: file://../menagerie-server',
        '    condition: server.enabled',
        '    tags: [app, backend]',
        '    alias: api',
        '',
      ].join('\n'),
    );
    const home = path.join(root, 'helm');
    const update = await helm(['dependency', 'update', chartDir], { home });
    expect(update.ok, update.stderr).to.equal(true);
    const helmLock = parse(readFileSync(path.join(chartDir, 'Chart.lock'), 'utf8'));
    const ours = chartLock(chartDir, new Date(helmLock.generated));
    expect(ours.digest).to.equal(helmLock.digest);
    expect(ours.dependencies).to.deep.equal(helmLock.dependencies);
    const { generated: _ours, ...written } = parse(formatChartLock(ours));
    const { generated: _helms, ...helmWritten } = helmLock;
    expect(written).to.deep.equal(helmWritten);
  });

  it('changes the digest when any requested field changes', () => {
    const base = { name: 'a', version: '1.0.0', repository: 'https://example.test/charts' };
    const locked = [{ name: 'a', version: '1.0.0', repository: 'https://example.test/charts' }];
    const digest = hashRequirements([base], locked);
    for (const changed of [
      { ...base, version: '1.0.1' },
      { ...base, condition: 'a.enabled' },
      { ...base, alias: 'b' },
      { ...base, repository: 'https://example.test/other' },
    ]) {
      expect(hashRequirements([changed], locked)).to.not.equal(digest);
    }
  });

  it('refuses to lock a version range offline', () => {
    const root = makeTempDir('range');
    writeFileSync(
      path.join(root, 'Chart.yaml'),
      'apiVersion: v2\nname: x\nversion: 0.1.0\ndependencies:\n  - name: y\n    version: ^1.0.0\n    repository: https://example.test\n',
    );
    expect(() => chartLock(root, new Date())).to.throw('is not exact');
  });
});
