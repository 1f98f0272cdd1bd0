import { CLIENT_ENV } from '@menagerie/contract';
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError, clientConfigFromEnv, OpenLoop, Population } from '../src/index.ts';

/** Property-based (fast-check): the client's own bounded structures and its configuration. */
describe('client properties', () => {
  it('population: behaves like a bounded oldest-first list under any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.constantFrom('add', 'retire', 'pick'), { maxLength: 200 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
        (limit, slack, operations, randoms) => {
          const population = new Population(limit, slack);
          const model: string[] = [];
          let next = 0;
          let forgotten = 0;
          const random = () => randoms.next().value as number;
          for (const operation of operations) {
            if (operation === 'add') {
              const id = `id${next++}`;
              population.add(id);
              model.push(id);
              if (model.length > limit + slack) {
                model.shift();
                forgotten++;
              }
            } else if (operation === 'retire') {
              expect(population.takeOldest()).to.equal(model.shift());
            } else {
              const picked = population.pick(random);
              if (model.length === 0) expect(picked).to.equal(undefined);
              else expect(model).to.include(picked);
            }
            expect(population.size).to.equal(model.length);
            expect(population.size).to.be.at.most(limit + slack);
            expect(population.overLimit).to.equal(model.length > limit);
            expect(population.forgotten).to.equal(forgotten);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('configuration: any value of any variable is either accepted within its range or refused with a ConfigError', () => {
    const variable = fc.constantFrom(...Object.values(CLIENT_ENV));
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.double().map(String),
      fc.integer().map(String),
      fc.constantFrom(
        '',
        ' ',
        'on',
        'off',
        'NaN',
        'Infinity',
        '1e9',
        '-0',
        '0x10',
        '{}',
        '[]',
        'http://x',
        'ftp://x',
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(variable, value, { maxKeys: 4 }), (env) => {
        let config: ReturnType<typeof clientConfigFromEnv>;
        try {
          config = clientConfigFromEnv(env);
        } catch (error) {
          expect(error, JSON.stringify(env)).to.be.instanceOf(ConfigError);
          return;
        }
        expect(config.rate).to.be.within(0.01, 10_000);
        expect(Number.isInteger(config.maxInFlight) && config.maxInFlight >= 1).to.equal(true);
        expect(Number.isInteger(config.populationLimit) && config.populationLimit >= 1).to.equal(true);
        expect(config.requestTimeoutMs).to.be.within(1, 600_000);
        expect(['http:', 'https:']).to.include(new URL(config.serverUrl).protocol);
      }),
      { numRuns: 500 },
    );
  });

  it('open loop: schedules rate × duration, sends or counts every one, never over the in-flight cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 2000 }),
        fc.integer({ min: 10, max: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 20 }),
        async (rate, durationMs, maxInFlight, delays) => {
          let fired = 0;
          let unsent = 0;
          let scheduled = 0;
          let inFlight = 0;
          let peak = 0;
          let loop: OpenLoop | undefined;
          await new Promise<void>((resolve) => {
            loop = new OpenLoop({
              rate,
              maxInFlight,
              durationSeconds: durationMs / 1000,
              fire: async () => {
                inFlight++;
                peak = Math.max(peak, inFlight);
                await new Promise((r) => setTimeout(r, delays[fired++ % delays.length]));
                inFlight--;
              },
              onScheduled: () => scheduled++,
              onUnsent: () => unsent++,
              onScheduleEnd: resolve,
            });
            loop.start();
          });
          await loop?.drained();
          expect(scheduled).to.equal(Math.floor((durationMs / 1000) * rate));
          expect(fired + unsent).to.equal(scheduled);
          expect(peak).to.be.at.most(maxInFlight);
          expect(loop?.inFlight).to.equal(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});
