/**
 * The species the registry knows and how many legs a healthy one has. The
 * leg rule is exact: a horse with 3 or 5 legs is not a horse the registry
 * accepts.
 */
export const SPECIES_LEGS = {
  horse: 4,
  dog: 4,
  cat: 4,
  cow: 4,
  tortoise: 4,
  platypus: 4,
  chicken: 2,
  parrot: 2,
  penguin: 2,
  snake: 0,
  beetle: 6,
  spider: 8,
} as const;

export type Species = keyof typeof SPECIES_LEGS;

export const SPECIES = Object.keys(SPECIES_LEGS) as Species[];

export function isSpecies(value: unknown): value is Species {
  return typeof value === 'string' && Object.hasOwn(SPECIES_LEGS, value);
}

/** The species label value for anything that is not a known species. */
export const UNKNOWN_SPECIES = 'unknown';

/** A species name safe to use as a metric label: a known species or `unknown`. */
export function speciesLabel(value: unknown): Species | typeof UNKNOWN_SPECIES {
  return isSpecies(value) ? value : UNKNOWN_SPECIES;
}
