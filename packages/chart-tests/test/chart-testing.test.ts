import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chartBase, ctLint } from '@menagerie/tools/charts/chart-testing';
import { APP_LIBRARY_CHART_DIR, makeTempDir, SERVER_CHART_DIR } from '@menagerie/tools/charts/charts';
import { expect } from 'chai';

/** A git repository with one app chart and the library it includes, committed; returns its path and the chart's folder. */
function fixtureRepository(): { repository: string; chart: string } {
  const repository = makeTempDir('ct-fixture');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, stdio: 'ignore' });
  const chart = path.join(repository, 'charts', path.basename(SERVER_CHART_DIR));
  cpSync(SERVER_CHART_DIR, chart, { recursive: true });
  cpSync(APP_LIBRARY_CHART_DIR, path.join(repository, 'charts', path.basename(APP_LIBRARY_CHART_DIR)), {
    recursive: true,
  });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@menagerie.invalid', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@menagerie.invalid', '-c', 'user.name=t', 'commit', '-qm', 'base');
  return { repository, chart };
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `${file}: ${from} not found`).to.not.equal(text);
  writeFileSync(file, changed);
}

describe('ct lint (chart-testing, tools/ct.yaml)', function () {
  // Each run copies the charts into a scratch repository and helm-lints them: seconds, more on a busy machine.
  this.timeout(120_000);

  it('lints every chart: yamllint, the Chart.yaml schema and helm lint --strict', async () => {
    const result = await ctLint({ base: chartBase(), all: true });
    expect(result.ok, result.output).to.equal(true);
    expect(result.output).to.include('All charts linted successfully');
  });

  it(`finds a higher version in every chart changed since ${chartBase()} (MENAGERIE_CHART_BASE, else the commit before HEAD)`, async () => {
    const result = await ctLint({ base: chartBase() });
    expect(result.ok, result.output).to.equal(true);
  });

  it('compares with the commit before HEAD unless MENAGERIE_CHART_BASE names another revision', () => {
    expect(chartBase({})).to.equal('HEAD~1');
    expect(chartBase({ MENAGERIE_CHART_BASE: 'origin/main' })).to.equal('origin/main');
  });

  it('fails a changed chart whose version did not go up, and passes it once it did', async () => {
    const { repository, chart } = fixtureRepository();
    edit(path.join(chart, 'templates', 'service.yaml'), /^/, '# a changed template\n');
    const unbumped = await ctLint({ repository, base: 'HEAD' });
    expect(unbumped.ok).to.equal(false);
    expect(unbumped.output).to.include('Needs a version bump');
    edit(path.join(chart, 'Chart.yaml'), /^version: .*$/m, 'version: 9.9.9');
    const bumped = await ctLint({ repository, base: 'HEAD' });
    expect(bumped.ok, bumped.output).to.equal(true);
  });

  it('fails a values.yaml that yamllint rejects, and a Chart.yaml its schema rejects', async () => {
    const { repository, chart } = fixtureRepository();
    edit(path.join(chart, 'values.yaml'), /^logLevel: .*$/m, 'logLevel: info\nlogLevel: debug');
    const duplicate = await ctLint({ repository, base: 'HEAD', all: true });
    expect(duplicate.ok, duplicate.output).to.equal(false);
    expect(duplicate.output, duplicate.output).to.include('duplication of key "logLevel"');
    const fresh = fixtureRepository();
    edit(path.join(fresh.chart, 'Chart.yaml'), /^keywords: .*$/m, 'keywords: menagerie');
    const schema = await ctLint({ repository: fresh.repository, base: 'HEAD', all: true });
    expect(schema.ok, schema.output).to.equal(false);
    // On failure, the whole of ct's output: what it reported instead.
    expect(schema.output, schema.output).to.include("keywords: 'menagerie' is not a list");
  });
});
