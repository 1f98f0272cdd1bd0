import { LEGS_MAX, NAME_MAX_LENGTH, SPECIES, SPECIES_LEGS, type Species } from '@menagerie/animals';
import { ROUTE } from '@menagerie/contract';

/**
 * What the client sends, drawn by weight, one name per kind of request (the
 * `scenario` label). Each scenario knows what the server should answer.
 */
export const SCENARIOS = [
  'valid_animal',
  'read_existing',
  'read_missing',
  'list_animals',
  'wrong_legs',
  'unknown_species',
  'invalid_name',
  'wrong_type',
  'missing_field',
  'unknown_field',
  'malformed_json',
  'wrong_content_type',
  'array_body',
] as const;
export type WeightedScenario = (typeof SCENARIOS)[number];

/**
 * Not drawn by weight: once the client holds more animals than
 * POPULATION_LIMIT, its next due request deletes the oldest one instead.
 */
export const RETIRE_ANIMAL = 'retire_animal';

/** Every value of the `scenario` label. */
export const ALL_SCENARIOS = [...SCENARIOS, RETIRE_ANIMAL] as const;
export type Scenario = (typeof ALL_SCENARIOS)[number];
export type ScenarioWeights = Record<WeightedScenario, number>;

export function isScenario(value: string): value is WeightedScenario {
  return (SCENARIOS as readonly string[]).includes(value);
}

/**
 * The default mix: 45% valid registrations, 20% reads, 35% bad input of
 * every kind. With reads of missing ids that is 40% of requests answered
 * 4xx, as the original exercise has it ("many requests fail"); tuned with
 * the server's default behaviour profile so that the server itself stays
 * inside its SLOs.
 */
export const DEFAULT_SCENARIO_WEIGHTS: ScenarioWeights = {
  valid_animal: 45,
  read_existing: 10,
  read_missing: 5,
  list_animals: 5,
  wrong_legs: 8,
  unknown_species: 5,
  invalid_name: 5,
  wrong_type: 4,
  missing_field: 4,
  unknown_field: 3,
  malformed_json: 3,
  wrong_content_type: 2,
  array_body: 1,
};

/** The status the server should answer each scenario with (2xx: any success). */
export const EXPECTED_STATUS: Record<Scenario, number> = {
  valid_animal: 201,
  read_existing: 200,
  read_missing: 404,
  list_animals: 200,
  wrong_legs: 400,
  unknown_species: 400,
  invalid_name: 400,
  wrong_type: 400,
  missing_field: 400,
  unknown_field: 400,
  malformed_json: 400,
  wrong_content_type: 415,
  array_body: 400,
  retire_animal: 204,
};

export interface RequestPlan {
  scenario: Scenario;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: string;
  contentType?: string;
  /** Species of the animal sent, when there is one. */
  species?: string;
}

export type Random = () => number;

const NAMES = [
  'Rex',
  'Bella',
  'Ziggy',
  'Mia',
  'Olga',
  'José',
  'Ōkami',
  'Zoë',
  "D'Artagnan",
  'Jean-Luc',
  'Ньютон',
  '小白',
];

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)] as T;

/** Chooses scenarios in proportion to their weights. */
export function scenarioPicker(weights: ScenarioWeights, random: Random): () => WeightedScenario {
  const entries = SCENARIOS.filter((s) => weights[s] > 0).map((s) => [s, weights[s]] as const);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return () => {
    let r = random() * total;
    for (const [scenario, weight] of entries) {
      r -= weight;
      if (r < 0) return scenario;
    }
    return (entries.at(-1) as readonly [WeightedScenario, number])[0];
  };
}

function validAnimal(random: Random): { name: string; species: Species; legs: number; age?: number } {
  const species = pick(SPECIES, random);
  const animal = { name: pick(NAMES, random), species, legs: SPECIES_LEGS[species] };
  return random() < 0.5 ? { ...animal, age: Math.floor(random() * 30) } : animal;
}

const json = (value: unknown) => JSON.stringify(value);
const JSON_TYPE = 'application/json';

/**
 * The request for a scenario. `knownId` is an id the server gave earlier; a
 * read_existing without one becomes a list_animals, so the label always says
 * what was sent.
 */
export function planRequest(
  scenario: WeightedScenario,
  random: Random,
  knownId: string | undefined,
): RequestPlan {
  const post = (body: string, species?: string, contentType = JSON_TYPE): RequestPlan => ({
    scenario,
    method: 'POST',
    path: ROUTE.animals,
    body,
    contentType,
    ...(species ? { species } : {}),
  });
  const animal = validAnimal(random);
  switch (scenario) {
    case 'valid_animal':
      return post(json(animal), animal.species);
    case 'read_existing':
      if (knownId === undefined) return planRequest('list_animals', random, undefined);
      return { scenario, method: 'GET', path: `${ROUTE.animals}/${knownId}` };
    case 'read_missing':
      return { scenario, method: 'GET', path: `${ROUTE.animals}/${crypto.randomUUID()}` };
    case 'list_animals':
      return { scenario, method: 'GET', path: `${ROUTE.animals}?limit=${1 + Math.floor(random() * 20)}` };
    case 'wrong_legs': {
      const right = SPECIES_LEGS[animal.species];
      const wrong = pick(
        [0, 1, 2, 3, 4, 5, 6, 8, 10].filter((n) => n !== right),
        random,
      );
      return post(json({ ...animal, legs: wrong }), animal.species);
    }
    case 'unknown_species':
      return post(json({ ...animal, species: pick(['unicorn', 'dragon', 'griffin', 'dodo'], random) }));
    case 'invalid_name':
      return post(
        json({
          ...animal,
          name: pick(['', '   ', '<script>', 'R2-D2!', 'x'.repeat(NAME_MAX_LENGTH + 1)], random),
        }),
        animal.species,
      );
    case 'wrong_type':
      return post(
        json(
          pick(
            [
              { ...animal, legs: String(animal.legs) },
              { ...animal, legs: animal.legs + 0.5 },
              { ...animal, legs: LEGS_MAX + 1 },
              { ...animal, name: 42 },
            ],
            random,
          ),
        ),
        animal.species,
      );
    case 'missing_field': {
      const { legs: _legs, ...withoutLegs } = animal;
      const { name: _name, ...withoutName } = animal;
      return post(json(pick([withoutLegs, withoutName], random)), animal.species);
    }
    case 'unknown_field':
      return post(json({ ...animal, colour: 'brown' }), animal.species);
    case 'malformed_json':
      return post(
        pick(['{"name": "Rex", "species": "dog", "legs": 4', "{'name': 'Rex'}", 'not json'], random),
      );
    case 'wrong_content_type':
      return post(json(animal), animal.species, 'text/plain');
    case 'array_body':
      return post(json([animal]), animal.species);
  }
}

/** Deletes one of the client's own animals (the oldest it holds). */
export function retirePlan(id: string): RequestPlan {
  return { scenario: RETIRE_ANIMAL, method: 'DELETE', path: `${ROUTE.animals}/${id}` };
}
