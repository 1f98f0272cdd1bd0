import { type Check, FatalCheckError, formatResult, runChecks } from '@menagerie/tools/e2e/runner';
import { expect } from 'chai';

/** A clock that advances only when the runner sleeps, so deadlines are exact and tests instant. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

function checkThatPassesOn(attempt: number, name = 'late'): Check & { calls: number } {
  const check = {
    name,
    calls: 0,
    async attempt() {
      check.calls++;
      if (check.calls < attempt) throw new Error(`not yet (${check.calls})`);
      return `ok on ${check.calls}`;
    },
  };
  return check;
}

describe('check runner', () => {
  it('retries a failing check until it passes', async () => {
    const clock = fakeClock();
    const check = checkThatPassesOn(4);
    const [result] = await runChecks([check], { deadline: 10_000, intervalMs: 1000, ...clock });
    expect(result).to.deep.equal({ name: 'late', passed: true, detail: 'ok on 4', attempts: 4 });
  });

  it('stops at the deadline and reports the last failure', async () => {
    const clock = fakeClock();
    const check = checkThatPassesOn(100);
    const [result] = await runChecks([check], { deadline: 3_500, intervalMs: 1000, ...clock });
    expect(result?.passed).to.equal(false);
    expect(result?.detail).to.equal('not yet (4)');
    expect(check.calls).to.equal(4);
  });

  it('never retries a fatal failure', async () => {
    const clock = fakeClock();
    let calls = 0;
    const fatal: Check = {
      name: 'fatal',
      async attempt() {
        calls++;
        throw new FatalCheckError('bad input');
      },
    };
    const [result] = await runChecks([fatal], { deadline: 60_000, intervalMs: 1000, ...clock });
    expect(result).to.deep.include({ passed: false, detail: 'bad input', attempts: 1 });
    expect(calls).to.equal(1);
  });

  it('reports each retry and returns results in the order given', async () => {
    const clock = fakeClock();
    const retries: string[] = [];
    const results = await runChecks([checkThatPassesOn(2, 'b'), checkThatPassesOn(1, 'a')], {
      deadline: 10_000,
      intervalMs: 10,
      onRetry: (name, attempt, reason) => retries.push(`${name}#${attempt}: ${reason}`),
      ...clock,
    });
    expect(results.map((r) => r.name)).to.deep.equal(['b', 'a']);
    expect(retries).to.deep.equal(['b#1: not yet (1)']);
  });

  it('formats one line per result', () => {
    expect(formatResult({ name: 'x', passed: true, detail: 'fine', attempts: 1 })).to.equal('PASS  x: fine');
    expect(formatResult({ name: 'x', passed: false, detail: 'broken', attempts: 3 })).to.equal(
      'FAIL  x: broken (after 3 attempts)',
    );
  });
});
