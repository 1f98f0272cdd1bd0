import { seededRandom } from '@menagerie/server';
import { expect } from 'chai';
import { Population } from '../src/index.ts';

describe('population of registered animals', () => {
  it('is over its limit only when it holds more, and gives back the oldest first', () => {
    const population = new Population(3, 2);
    for (const id of ['a', 'b', 'c']) population.add(id);
    expect(population.overLimit).to.equal(false);
    population.add('d');
    expect(population.overLimit).to.equal(true);
    expect(population.takeOldest()).to.equal('a');
    expect(population.overLimit).to.equal(false);
    expect([population.takeOldest(), population.takeOldest(), population.takeOldest()]).to.deep.equal([
      'b',
      'c',
      'd',
    ]);
    expect(population.takeOldest()).to.equal(undefined);
    expect(population.size).to.equal(0);
  });

  it('never holds more than its capacity, forgetting (and counting) the oldest beyond it', () => {
    const population = new Population(3, 2);
    for (let i = 0; i < 12; i++) population.add(`id${i}`);
    expect(population.size).to.equal(5);
    expect(population.forgotten).to.equal(7);
    expect(population.takeOldest()).to.equal('id7');
  });

  it('reads only animals it still holds, across the ring wrapping round', () => {
    const population = new Population(4, 0);
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      population.add(`id${i}`);
      if (population.overLimit) population.takeOldest();
      const held = new Set(Array.from({ length: population.size }, (_, k) => `id${i - k}`));
      for (let n = 0; n < 10; n++) expect(held).to.include(population.pick(random));
    }
    expect(new Population(1, 0).pick(random)).to.equal(undefined);
  });
});
