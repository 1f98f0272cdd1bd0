import { expect } from 'chai';
import { parseBenchArgs, UsageError } from '../src/args.ts';
import type { Measurement } from '../src/measure.ts';
import { parseSummaryLine, summaryLine } from '../src/report.ts';
import { pairedDifferences, pairedRatios, percentile, spread } from '../src/stats.ts';
import { printComparisons } from '../src/suites/overhead.ts';

describe('benchmark arithmetic and summary lines', () => {
  it('takes nearest-rank percentiles, medians and ranges', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).to.equal(50);
    expect(percentile(sorted, 0.99)).to.equal(99);
    expect(percentile([], 0.5)).to.be.NaN;
    expect(spread([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 3, 2]).median).to.equal(2.5);
    expect(spread([1, Number.NaN, 3]).n).to.equal(2);
  });

  it('pairs repetitions of the same round', () => {
    expect(pairedRatios([10, 20], [5, 40])).to.deep.equal([2, 0.5]);
    expect(pairedDifferences([10, 20], [5, 40])).to.deep.equal([5, -20]);
  });

  it('prints a spread as median, min and max, and reads lines back', () => {
    const line = summaryLine('ratio', { name: 'on/off', throughput: spread([0.5, 0.6, 0.7]), reps: 3 });
    expect(line).to.equal(
      'bench ratio: name=on/off throughput=0.6 throughput_min=0.5 throughput_max=0.7 reps=3',
    );
    expect(parseSummaryLine(line)).to.deep.equal({
      figure: 'ratio',
      fields: { name: 'on/off', throughput: '0.6', throughput_min: '0.5', throughput_max: '0.7', reps: '3' },
    });
    expect(summaryLine('x', { big: 12345.678, small: 0.000123456, mid: 12.3456 })).to.equal(
      'bench x: big=12346 small=0.000123 mid=12.35',
    );
    expect(parseSummaryLine('something else')).to.equal(undefined);
  });

  it("prints each compared build's own overhead and this build against it, paired by round", () => {
    const run = (rps: number, p99Ms: number): Measurement => ({
      rps,
      p50Ms: p99Ms / 2,
      p99Ms,
      cpuUsPerRequest: 1e6 / rps,
      responses: rps,
      unexpected: 0,
      spansDropped: {},
      rssMaxBytes: 0,
      rssEndBytes: 0,
      fixedRateP50Ms: Number.NaN,
      fixedRateP99Ms: Number.NaN,
    });
    const results = new Map<string, Measurement[]>([
      ['off', [run(1000, 2), run(800, 2)]],
      ['stock', [run(400, 8), run(400, 8)]],
      ['on', [run(600, 4), run(480, 4)]],
      ['on@before', [run(500, 5), run(400, 5)]],
      ['spin=20', [run(900, 3), run(700, 3)]],
    ]);
    const lines: string[] = [];
    printComparisons(results, ['before'], (line) => lines.push(line));
    // CPU per request: off 1000/1250 µs, stock 2500/2500, on 1667/2083, on@before 2000/2500.
    expect(lines).to.include(
      'bench overhead: throughput_ratio=0.600 p99_ratio=2.000 vs_stock=1.35 added_cpu_us=750.0 stock_added_cpu_us=1375.0',
    );
    expect(lines).to.include(
      'bench overhead of build: build=before throughput_ratio=0.500 p99_ratio=2.500 vs_stock=1.13 ' +
        'added_cpu_us=1125.0 stock_added_cpu_us=1375.0',
    );
    const ratio = (name: string) =>
      lines.map(parseSummaryLine).find((l) => l?.figure === 'ratio' && l.fields.name === name)?.fields;
    expect(ratio('on/on@before')).to.include({ throughput: '1.2', throughput_min: '1.2', p99: '0.8' });
    expect(ratio('on@before/off')).to.include({ throughput: '0.5' });
    // A configuration outside the fixed pairs is set against off: 1111 and 1429 µs, so 111 and 179 added.
    expect(ratio('spin=20/off')).to.include({
      throughput: '0.887',
      throughput_min: '0.875',
      cpu_us_per_req_added: '145',
    });
  });

  it("takes the overhead line's p99 at the fixed rate when there is one", () => {
    const run = (p99Ms: number, fixedRateP99Ms: number): Measurement => ({
      rps: 1000,
      p50Ms: 1,
      p99Ms,
      cpuUsPerRequest: 100,
      responses: 1000,
      unexpected: 0,
      spansDropped: {},
      rssMaxBytes: 0,
      rssEndBytes: 0,
      fixedRateP50Ms: 1,
      fixedRateP99Ms,
    });
    const results = new Map<string, Measurement[]>([
      ['off', [run(2, 1)]],
      ['stock', [run(8, 3)]],
      ['on', [run(6, 1.2)]],
    ]);
    const lines: string[] = [];
    printComparisons(results, [], (line) => lines.push(line));
    expect(lines).to.include(
      'bench overhead: throughput_ratio=1.000 p99_ratio=1.200 vs_stock=1.00 added_cpu_us=0.0 stock_added_cpu_us=0.0',
    );
  });

  it('parses its options and refuses bad ones', () => {
    const defaults = parseBenchArgs([]);
    expect(defaults).to.deep.include({
      reps: 5,
      seconds: 8,
      warmupSeconds: 15,
      connections: 10,
      rate: 1000,
      pin: true,
    });
    expect(defaults.suites).to.deep.equal(['overhead', 'exporter-down', 'scrape', 'client']);
    const smoke = parseBenchArgs(['--smoke']);
    expect(smoke).to.deep.include({ reps: 1, smoke: true });
    expect(smoke.configs).to.deep.equal(['off', 'on', 'stock']);
    expect(parseBenchArgs(['--compare', 'a=/x/main.js,b=/y/main.js']).compare).to.deep.equal([
      { name: 'a', entry: '/x/main.js' },
      { name: 'b', entry: '/y/main.js' },
    ]);
    expect(defaults.nodeArgs).to.deep.equal([]);
    expect(
      parseBenchArgs(['--node-args', ' --single-threaded-gc  --max-semi-space-size=64']).nodeArgs,
    ).to.deep.equal(['--single-threaded-gc', '--max-semi-space-size=64']);
    for (const bad of [
      ['--reps', '0'],
      ['--seconds', 'x'],
      ['--suites', 'nope'],
      ['--compare', 'a'],
      ['--node-args', 'single-threaded-gc'],
      ['--what'],
    ]) {
      expect(() => parseBenchArgs(bad), bad.join(' ')).to.throw(UsageError);
    }
  });
});
