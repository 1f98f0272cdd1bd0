import Joi from 'joi';
import {
  AGE_MAX_YEARS,
  ANIMAL_FIELDS,
  type AnimalField,
  type AnimalInput,
  LEGS_MAX,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
} from './animal.ts';
import { isSpecies, SPECIES, SPECIES_LEGS } from './species.ts';

/** Field label for a key the schema does not know. */
export const UNKNOWN_FIELD = '_unknown';
/** Field label for a problem with the body as a whole (an array, a string, null). */
export const BODY_FIELD = '_body';
export type IssueField = AnimalField | typeof UNKNOWN_FIELD | typeof BODY_FIELD;

export interface ValidationIssue {
  /** Where the problem is, as the client sent it (a key name, or empty for the whole body). */
  path: string;
  /** A bounded value for metrics: a known field, UNKNOWN_FIELD or BODY_FIELD. */
  field: IssueField;
  /** The joi error type, e.g. `any.only`, `number.integer`; bounded by the schema. */
  reason: string;
  message: string;
}

export type ValidationResult = { ok: true; value: AnimalInput } | { ok: false; issues: ValidationIssue[] };

/** Error type of a leg count that is a number but wrong for the species. */
export const LEGS_FOR_SPECIES = 'legs.species';

// A custom rule rather than `when` + `valid`: it runs only on a number that
// passed the type and range checks, so "4" yields one issue, not two.
const legsMatchSpecies: Joi.CustomValidator<number> = (legs, helpers) => {
  const species: unknown = (helpers.state.ancestors as Record<string, unknown>[])[0]?.species;
  // A count that is out of range or fractional is already reported.
  const inRange = Number.isInteger(legs) && legs >= 0 && legs <= LEGS_MAX;
  if (inRange && isSpecies(species) && legs !== SPECIES_LEGS[species]) {
    return helpers.error(LEGS_FOR_SPECIES, { species, expected: SPECIES_LEGS[species] });
  }
  return legs;
};

/**
 * The animal schema. No conversion: "4" is not a number and " Rex" keeps its
 * space; unknown keys are rejected; every problem is reported, not the first.
 */
export const animalSchema = Joi.object<AnimalInput>({
  name: Joi.string().min(1).max(NAME_MAX_LENGTH).pattern(NAME_PATTERN).required().messages({
    'string.pattern.base':
      '"name" may contain only letters, digits, spaces, hyphens and apostrophes, with at least one letter or digit',
  }),
  species: Joi.string()
    .valid(...SPECIES)
    .required()
    .messages({ 'any.only': `"species" must be one of ${SPECIES.join(', ')}` }),
  legs: Joi.number()
    .integer()
    .min(0)
    .max(LEGS_MAX)
    .required()
    .custom(legsMatchSpecies)
    .messages({ [LEGS_FOR_SPECIES]: '"legs" must be {{#expected}} for a {{#species}}' }),
  age: Joi.number().integer().min(0).max(AGE_MAX_YEARS),
})
  .required()
  .unknown(false)
  .prefs({ abortEarly: false, convert: false });

function fieldOf(path: readonly (string | number)[], type: string): IssueField {
  if (path.length === 0) return BODY_FIELD;
  if (type === 'object.unknown') return UNKNOWN_FIELD;
  const top = String(path[0]);
  return (ANIMAL_FIELDS as readonly string[]).includes(top) ? (top as AnimalField) : UNKNOWN_FIELD;
}

export function validateAnimal(input: unknown): ValidationResult {
  const { error, value } = animalSchema.validate(input);
  if (!error) return { ok: true, value: value as AnimalInput };
  return {
    ok: false,
    issues: error.details.map((d) => ({
      path: d.path.join('.'),
      field: fieldOf(d.path, d.type),
      reason: d.type,
      message: d.message,
    })),
  };
}
