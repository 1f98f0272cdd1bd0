import { validateAnimal } from '@menagerie/animals/validation';
import { seededRandom } from '@menagerie/server';
import { expect } from 'chai';
import {
  ALL_SCENARIOS,
  DEFAULT_SCENARIO_WEIGHTS,
  EXPECTED_STATUS,
  parseWeights,
  planRequest,
  RETIRE_ANIMAL,
  retirePlan,
  SCENARIOS,
  scenarioPicker,
} from '../src/index.ts';

describe('scenarios', () => {
  it('builds bodies the server judges as each scenario intends', () => {
    const random = seededRandom(11);
    for (const scenario of SCENARIOS) {
      for (let i = 0; i < 50; i++) {
        const plan = planRequest(scenario, random, 'some-id');
        expect(plan.scenario).to.equal(scenario);
        if (plan.method === 'GET') {
          expect(EXPECTED_STATUS[scenario]).to.be.oneOf([200, 404]);
          continue;
        }
        if (scenario === 'malformed_json') {
          expect(() => JSON.parse(plan.body as string)).to.throw();
          continue;
        }
        if (scenario === 'wrong_content_type') {
          expect(plan.contentType).not.to.equal('application/json');
          expect(validateAnimal(JSON.parse(plan.body as string)).ok).to.equal(true);
          continue;
        }
        const valid = validateAnimal(JSON.parse(plan.body as string)).ok;
        expect(valid, `${scenario}: ${plan.body}`).to.equal(EXPECTED_STATUS[scenario] === 201);
      }
    }
  });

  it('reads an existing id when it knows one, else lists (and says so)', () => {
    const random = seededRandom(1);
    expect(planRequest('read_existing', random, 'abc')).to.include({
      scenario: 'read_existing',
      path: '/animals/abc',
    });
    expect(planRequest('read_existing', random, undefined).scenario).to.equal('list_animals');
  });

  it('retires an animal with a DELETE of its id, which the server answers 204', () => {
    expect(retirePlan('abc')).to.deep.equal({
      scenario: RETIRE_ANIMAL,
      method: 'DELETE',
      path: '/animals/abc',
    });
    expect(EXPECTED_STATUS[RETIRE_ANIMAL]).to.equal(204);
    expect(ALL_SCENARIOS).to.include(RETIRE_ANIMAL);
    expect(SCENARIOS as readonly string[], 'never drawn by weight').not.to.include(RETIRE_ANIMAL);
    expect(() => parseWeights(JSON.stringify({ [RETIRE_ANIMAL]: 1 }))).to.throw(/unknown scenario/);
  });

  it('picks scenarios in proportion to their weights', () => {
    const pick = scenarioPicker(DEFAULT_SCENARIO_WEIGHTS, seededRandom(5));
    const counts = Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<string, number>;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const scenario = pick();
      counts[scenario] = (counts[scenario] ?? 0) + 1;
    }
    const total = Object.values(DEFAULT_SCENARIO_WEIGHTS).reduce((a, b) => a + b, 0);
    for (const scenario of SCENARIOS) {
      expect((counts[scenario] ?? 0) / n, scenario).to.be.closeTo(
        DEFAULT_SCENARIO_WEIGHTS[scenario] / total,
        0.01,
      );
    }
  });

  it('never picks a scenario of weight 0', () => {
    const pick = scenarioPicker({ ...DEFAULT_SCENARIO_WEIGHTS, valid_animal: 0 }, seededRandom(2));
    for (let i = 0; i < 5000; i++) expect(pick()).not.to.equal('valid_animal');
  });

  it('makes many requests fail by default (as the original exercise has it)', () => {
    const total = Object.values(DEFAULT_SCENARIO_WEIGHTS).reduce((a, b) => a + b, 0);
    const failing = SCENARIOS.filter((s) => EXPECTED_STATUS[s] >= 400).reduce(
      (sum, s) => sum + DEFAULT_SCENARIO_WEIGHTS[s],
      0,
    );
    expect(failing / total).to.be.within(0.3, 0.5);
  });
});
