import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseSummaryLine } from '../src/report.ts';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/**
 * One tiny run of every suite (`--smoke`): the harness starts the servers
 * (ours and the stock peer), drives them, and prints well-formed summary
 * lines. Its figures mean nothing and are not checked.
 */
describe('benchmark harness (smoke run)', function () {
  this.timeout(120_000);
  let lines: { figure: string; fields: Record<string, string> }[] = [];
  let code: number | null = null;
  let stderr = '';

  before(async () => {
    const child = spawn(process.execPath, [main, '--smoke'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
    });
    [code] = (await once(child, 'exit')) as [number | null];
    const printed = stdout.split('\n').filter(Boolean);
    lines = printed.map((line) => {
      const parsed = parseSummaryLine(line);
      if (!parsed) throw new Error(`not a summary line: ${line}`);
      return parsed;
    });
  });

  const find = (figure: string, match: Record<string, string> = {}) =>
    lines.filter((l) => l.figure === figure && Object.entries(match).every(([k, v]) => l.fields[k] === v));
  const isNumber = (value: string | undefined) => value !== undefined && Number.isFinite(Number(value));

  it('exits 0 and prints only summary lines', () => {
    expect(code, stderr).to.equal(0);
    expect(lines.length).to.be.above(10);
  });

  it('measures our server off and on and the stock peer, every answer the expected 201', () => {
    for (const name of ['off', 'on', 'stock']) {
      const [line] = find('config', { name });
      expect(line, name).to.not.equal(undefined);
      for (const field of ['rps', 'p50_ms', 'p99_ms', 'cpu_us_per_req', 'p99_ms_at_rate']) {
        expect(isNumber(line?.fields[field]), `${name} ${field}`).to.equal(true);
      }
      expect(line?.fields.unexpected, name).to.equal('0');
    }
    expect(find('config', { name: 'on' })[0]?.fields.spans_dropped).to.equal('0');
  });

  it('prints the overhead line in its fixed format', () => {
    const overhead = find('overhead');
    expect(overhead).to.have.length(1);
    expect(Object.keys(overhead[0]?.fields ?? {})).to.deep.equal([
      'throughput_ratio',
      'p99_ratio',
      'vs_stock',
      'added_cpu_us',
      'stock_added_cpu_us',
    ]);
    for (const value of Object.values(overhead[0]?.fields ?? {})) expect(isNumber(value)).to.equal(true);
  });

  it('runs the exporter up, refused and black-holed, counting dropped spans, and states the bound', () => {
    for (const endpoint of ['up', 'refused', 'black-hole']) {
      const [line] = find('exporter', { endpoint });
      expect(isNumber(line?.fields.throughput_vs_up), endpoint).to.equal(true);
      expect(isNumber(line?.fields.dropped_queue_full), endpoint).to.equal(true);
      expect(isNumber(line?.fields.dropped_export_failed), endpoint).to.equal(true);
    }
    expect(find('exporter bound')[0]?.fields.spans_held_max).to.equal('2560');
  });

  it('times scrapes in both formats after traffic on every route and status', () => {
    const coverage = find('scrape coverage')[0]?.fields;
    expect(coverage?.routes?.split(',')).to.include.members(['/animals', '/animals/:id', 'unmatched']);
    expect(coverage?.status_codes?.split(',')).to.include.members(['201', '204', '400', '404', '405', '415']);
    for (const format of ['text', 'openmetrics']) {
      const [line] = find('scrape', { format });
      expect(Number(line?.fields.bytes), format).to.be.above(0);
      expect(Number(line?.fields.series), format).to.be.above(0);
    }
    expect(isNumber(find('cardinality')[0]?.fields.growth_in_last_stretch)).to.equal(true);
  });

  it('runs the real client against the server, fast and made slow', () => {
    expect(isNumber(find('client rate')[0]?.fields.achieved_rps)).to.equal(true);
    const slow = find('client slow server')[0]?.fields;
    expect(isNumber(slow?.unsent_share)).to.equal(true);
    expect(isNumber(slow?.p99_ms)).to.equal(true);
  });
});
