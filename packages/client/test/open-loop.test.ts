import { expect } from 'chai';
import { OpenLoop } from '../src/index.ts';

describe('open-model load loop', () => {
  it('schedules rate × duration requests and counts those over the in-flight cap as unsent', async () => {
    const release: (() => void)[] = [];
    let fired = 0;
    let scheduled = 0;
    let unsent = 0;
    const ended = new Promise<void>((resolve) => {
      const loop = new OpenLoop({
        rate: 1000,
        maxInFlight: 10,
        durationSeconds: 0.05,
        fire: () => {
          fired++;
          return new Promise<void>((r) => release.push(r));
        },
        onScheduled: () => scheduled++,
        onUnsent: () => unsent++,
        onScheduleEnd: resolve,
      });
      loop.start();
    });
    await ended;
    expect(scheduled).to.equal(50);
    expect(fired).to.equal(10);
    expect(unsent).to.equal(40);
    for (const r of release) r();
  });

  it('sends everything when answers come back, and reports when drained', async () => {
    let fired = 0;
    let unsent = 0;
    let loop: OpenLoop | undefined;
    await new Promise<void>((resolve) => {
      loop = new OpenLoop({
        rate: 500,
        maxInFlight: 1000,
        durationSeconds: 0.04,
        fire: async () => {
          fired++;
          await new Promise((r) => setTimeout(r, 5));
        },
        onScheduled: () => {},
        onUnsent: () => unsent++,
        onScheduleEnd: resolve,
      });
      loop.start();
    });
    await loop?.drained();
    expect(loop?.inFlight).to.equal(0);
    expect(fired).to.equal(20);
    expect(unsent).to.equal(0);
  });
});
