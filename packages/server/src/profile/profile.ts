import { SPECIES, type Species } from '@menagerie/animals';
import Joi from 'joi';

/** Added delay: log-normal with this median and 99th percentile, never above maxMs. */
export interface LatencyFault {
  medianMs: number;
  p99Ms: number;
  /** Defaults to 3 × p99Ms. */
  maxMs?: number;
}

/** A share of registrations answered with this 5xx status instead of being stored. */
export interface ErrorFault {
  rate: number;
  status: number;
}

export interface SpeciesBehaviour {
  latency?: LatencyFault;
  errors?: ErrorFault;
}

export interface BehaviourProfile {
  species: Partial<Record<Species, SpeciesBehaviour>>;
}

export const MAX_DELAY_MS = 60_000;

const latencySchema = Joi.object<LatencyFault>({
  medianMs: Joi.number().positive().max(MAX_DELAY_MS).required(),
  p99Ms: Joi.number().min(Joi.ref('medianMs')).max(MAX_DELAY_MS).required(),
  maxMs: Joi.number().min(Joi.ref('p99Ms')).max(MAX_DELAY_MS),
});

const errorsSchema = Joi.object<ErrorFault>({
  rate: Joi.number().min(0).max(1).required(),
  status: Joi.number().integer().min(500).max(599).required(),
});

export const behaviourProfileSchema = Joi.object<BehaviourProfile>({
  species: Joi.object()
    .pattern(
      Joi.string().valid(...SPECIES),
      Joi.object({ latency: latencySchema, errors: errorsSchema }).or('latency', 'errors'),
    )
    .required()
    .messages({ 'object.unknown': `{{#label}} is not a known species (${SPECIES.join(', ')})` }),
})
  .required()
  .prefs({ abortEarly: false, convert: false });

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** Validates a parsed profile; the error names every problem and where it is. */
export function parseBehaviourProfile(input: unknown, source: string): BehaviourProfile {
  const { error, value } = behaviourProfileSchema.validate(input);
  if (error) {
    const problems = error.details.map((d) => d.message).join('; ');
    throw new ProfileError(`behaviour profile ${source} is invalid: ${problems}`);
  }
  return value as BehaviourProfile;
}

/**
 * The defaults, tuned with the client's default scenario mix: tortoises and
 * penguins are slow (a few percent of them over a second), snakes a little
 * slow, some platypus and parrot registrations fail. With the default mix
 * that is about 0.15% of API requests answered 5xx and about 0.3% slower than
 * 1 s: visible on the dashboards, well inside both SLOs.
 * packages/server/profiles/default.yaml holds the same (a test checks it).
 */
export const DEFAULT_BEHAVIOUR_PROFILE: BehaviourProfile = {
  species: {
    tortoise: { latency: { medianMs: 300, p99Ms: 2000 } },
    penguin: { latency: { medianMs: 100, p99Ms: 1200 } },
    snake: { latency: { medianMs: 200, p99Ms: 600 } },
    platypus: { errors: { rate: 0.03, status: 500 } },
    parrot: { errors: { rate: 0.01, status: 503 } },
  },
};

/** What FAULTS=off means. */
export const NO_FAULTS: BehaviourProfile = { species: {} };
