import { expect } from 'chai';
import { NAME_MAX_LENGTH, SPECIES, SPECIES_LEGS, speciesLabel } from '../src/index.ts';
import { BODY_FIELD, LEGS_FOR_SPECIES, UNKNOWN_FIELD, validateAnimal } from '../src/validation.ts';

const ok = { name: 'Rex', species: 'dog', legs: 4 };

function issuesOf(input: unknown) {
  const result = validateAnimal(input);
  expect(result.ok, JSON.stringify(input)).to.equal(false);
  return result.ok ? [] : result.issues.map(({ field, reason, path }) => ({ field, reason, path }));
}

describe('animal validation', () => {
  it('accepts a valid animal of every species, with and without an age', () => {
    for (const species of SPECIES) {
      expect(validateAnimal({ name: 'Bo', species, legs: SPECIES_LEGS[species] }).ok, species).to.equal(true);
      expect(validateAnimal({ name: 'Bo', species, legs: SPECIES_LEGS[species], age: 3 }).ok).to.equal(true);
    }
  });

  it('has horses and dogs on exactly 4 legs, birds on 2, snakes on 0, spiders on 8', () => {
    expect(SPECIES_LEGS).to.include({
      horse: 4,
      dog: 4,
      chicken: 2,
      parrot: 2,
      penguin: 2,
      snake: 0,
      spider: 8,
    });
  });

  it('rejects every wrong leg count for every species with one issue naming the rule', () => {
    for (const species of SPECIES) {
      for (const legs of [0, 1, 2, 3, 4, 5, 6, 8, 10]) {
        if (legs === SPECIES_LEGS[species]) continue;
        const result = validateAnimal({ name: 'Bo', species, legs });
        expect(result.ok).to.equal(false);
        if (!result.ok) {
          expect(result.issues).to.have.length(1);
          expect(result.issues[0]).to.include({ field: 'legs', reason: LEGS_FOR_SPECIES });
          expect(result.issues[0]?.message).to.equal(
            `"legs" must be ${SPECIES_LEGS[species]} for a ${species}`,
          );
        }
      }
    }
  });

  const table: [string, unknown, { field: string; reason: string; path: string }[]][] = [
    [
      'unknown species',
      { ...ok, species: 'unicorn' },
      [{ field: 'species', reason: 'any.only', path: 'species' }],
    ],
    [
      'species in another case',
      { ...ok, species: 'Dog' },
      [{ field: 'species', reason: 'any.only', path: 'species' }],
    ],
    ['legs as a string', { ...ok, legs: '4' }, [{ field: 'legs', reason: 'number.base', path: 'legs' }]],
    ['fractional legs', { ...ok, legs: 4.5 }, [{ field: 'legs', reason: 'number.integer', path: 'legs' }]],
    ['negative legs', { ...ok, legs: -4 }, [{ field: 'legs', reason: 'number.min', path: 'legs' }]],
    ['huge legs', { ...ok, legs: 1e6 }, [{ field: 'legs', reason: 'number.max', path: 'legs' }]],
    ['unsafe legs', { ...ok, legs: 2 ** 60 }, [{ field: 'legs', reason: 'number.unsafe', path: 'legs' }]],
    ['legs null', { ...ok, legs: null }, [{ field: 'legs', reason: 'number.base', path: 'legs' }]],
    ['name as a number', { ...ok, name: 7 }, [{ field: 'name', reason: 'string.base', path: 'name' }]],
    ['empty name', { ...ok, name: '' }, [{ field: 'name', reason: 'string.empty', path: 'name' }]],
    ['blank name', { ...ok, name: '   ' }, [{ field: 'name', reason: 'string.pattern.base', path: 'name' }]],
    [
      'name with markup',
      { ...ok, name: '<b>' },
      [{ field: 'name', reason: 'string.pattern.base', path: 'name' }],
    ],
    [
      'name with a newline',
      { ...ok, name: 'A\nB' },
      [{ field: 'name', reason: 'string.pattern.base', path: 'name' }],
    ],
    [
      'name too long',
      { ...ok, name: 'a'.repeat(NAME_MAX_LENGTH + 1) },
      [{ field: 'name', reason: 'string.max', path: 'name' }],
    ],
    ['fractional age', { ...ok, age: 1.5 }, [{ field: 'age', reason: 'number.integer', path: 'age' }]],
    ['negative age', { ...ok, age: -1 }, [{ field: 'age', reason: 'number.min', path: 'age' }]],
    ['age as a string', { ...ok, age: '3' }, [{ field: 'age', reason: 'number.base', path: 'age' }]],
    ['missing name', { species: 'dog', legs: 4 }, [{ field: 'name', reason: 'any.required', path: 'name' }]],
    [
      'unknown field',
      { ...ok, colour: 'red' },
      [{ field: UNKNOWN_FIELD, reason: 'object.unknown', path: 'colour' }],
    ],
    [
      'constructor key',
      { ...ok, constructor: { prototype: {} } },
      [{ field: UNKNOWN_FIELD, reason: 'object.unknown', path: 'constructor' }],
    ],
    ['an array', [ok], [{ field: BODY_FIELD, reason: 'object.base', path: '' }]],
    ['a string', 'Rex', [{ field: BODY_FIELD, reason: 'object.base', path: '' }]],
    ['a number', 4, [{ field: BODY_FIELD, reason: 'object.base', path: '' }]],
    ['null', null, [{ field: BODY_FIELD, reason: 'object.base', path: '' }]],
  ];
  for (const [what, input, expected] of table) {
    it(`rejects ${what}`, () => {
      expect(issuesOf(input)).to.deep.equal(expected);
    });
  }

  it('reports every problem at once', () => {
    const reasons = issuesOf({ name: '', species: 'dodo', legs: 2.5, extra: 1 }).map((i) => i.field);
    expect(reasons).to.have.members(['name', 'species', 'legs', UNKNOWN_FIELD]);
  });

  it('accepts names in any script with digits, spaces, hyphens and apostrophes', () => {
    for (const name of [
      'José-María',
      "O'Neil",
      'D’Artagnan',
      'Ньютон 2',
      '小白',
      'Zoë',
      'a'.repeat(NAME_MAX_LENGTH),
    ]) {
      expect(validateAnimal({ ...ok, name }).ok, name).to.equal(true);
    }
  });

  it('never lets a client value become a species label', () => {
    expect(speciesLabel('dog')).to.equal('dog');
    expect(speciesLabel('__proto__')).to.equal('unknown');
    expect(speciesLabel('x'.repeat(1000))).to.equal('unknown');
    expect(speciesLabel(4)).to.equal('unknown');
  });
});
