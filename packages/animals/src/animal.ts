import type { Species } from './species.ts';

/** An animal as a client sends it. */
export interface AnimalInput {
  name: string;
  species: Species;
  legs: number;
  /** Age in whole years, optional. */
  age?: number;
}

/** An animal as the registry stores and returns it. */
export interface Animal extends AnimalInput {
  id: string;
  createdAt: string;
}

/** The fields an animal may have; anything else is rejected. */
export const ANIMAL_FIELDS = ['name', 'species', 'legs', 'age'] as const;
export type AnimalField = (typeof ANIMAL_FIELDS)[number];

export const NAME_MAX_LENGTH = 64;
export const AGE_MAX_YEARS = 250;
/** Largest leg count the schema considers a number of legs at all. */
export const LEGS_MAX = 1000;

/**
 * Letters of any script (with their combining marks), decimal digits, spaces,
 * hyphens and apostrophes (typewriter and typographic), with at least one
 * letter or digit.
 */
export const NAME_PATTERN = /^(?=.*[\p{L}\p{Nd}])[\p{L}\p{M}\p{Nd} '’-]+$/u;
