import { expect } from 'chai';
import { parseBenchArgs, UsageError } from '../src/args.ts';
import { parseSummaryLine, summaryLine } from '../src/report.ts';
import { pairedDifferences, pairedRatios, percentile, spread } from '../src/stats.ts';

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

  it('parses its options and refuses bad ones', () => {
    const defaults = parseBenchArgs([]);
    expect(defaults).to.deep.include({ reps: 5, seconds: 8, connections: 10, rate: 1000, pin: true });
    expect(defaults.suites).to.deep.equal(['overhead', 'exporter-down', 'scrape', 'client']);
    const smoke = parseBenchArgs(['--smoke']);
    expect(smoke).to.deep.include({ reps: 1, smoke: true });
    expect(smoke.configs).to.deep.equal(['off', 'on', 'stock']);
    expect(parseBenchArgs(['--compare', 'a=/x/main.js,b=/y/main.js']).compare).to.deep.equal([
      { name: 'a', entry: '/x/main.js' },
      { name: 'b', entry: '/y/main.js' },
    ]);
    for (const bad of [
      ['--reps', '0'],
      ['--seconds', 'x'],
      ['--suites', 'nope'],
      ['--compare', 'a'],
      ['--what'],
    ]) {
      expect(() => parseBenchArgs(bad), bad.join(' ')).to.throw(UsageError);
    }
  });
});
