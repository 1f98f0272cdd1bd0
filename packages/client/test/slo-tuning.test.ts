import { fileURLToPath } from 'node:url';
import { SPECIES } from '@menagerie/animals';
import { AVAILABILITY_SLO, BURN_RATE_POLICY, LATENCY_SLO } from '@menagerie/contract';
import { type BehaviourProfile, DEFAULT_BEHAVIOUR_PROFILE, loadBehaviourProfile } from '@menagerie/server';
import { expect } from 'chai';
import { DEFAULT_SCENARIO_WEIGHTS } from '../src/index.ts';

/** P(Z > z) for a standard normal Z (Abramowitz–Stegun 26.2.17, error < 1e-7). */
function upperTail(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const p =
    d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? p : 1 - p;
}

/**
 * The shares of API requests a profile answers 5xx and slower than the
 * latency SLO threshold under the client's default mix: valid registrations
 * are the only requests a profile touches, spread evenly over the species.
 * `registrations` is the share of requests that are valid registrations.
 */
function expectedShares(profile: BehaviourProfile, registrations = defaultRegistrationShare()) {
  const perSpecies = registrations / SPECIES.length;
  let errors = 0;
  let slow = 0;
  for (const behaviour of Object.values(profile.species)) {
    if (behaviour.errors) errors += perSpecies * behaviour.errors.rate;
    if (behaviour.latency) {
      const { medianMs, p99Ms } = behaviour.latency;
      const sigma = Math.log(p99Ms / medianMs) / 2.326347874;
      slow += perSpecies * upperTail(Math.log((LATENCY_SLO.thresholdSeconds * 1000) / medianMs) / sigma);
    }
  }
  return { errors, slow };
}

function defaultRegistrationShare(): number {
  const total = Object.values(DEFAULT_SCENARIO_WEIGHTS).reduce((a, b) => a + b, 0);
  return DEFAULT_SCENARIO_WEIGHTS.valid_animal / total;
}

/**
 * Once the client holds POPULATION_LIMIT animals, every stored registration
 * is followed by a retirement (a DELETE, answered 204) taking a slot of the
 * same schedule. With a share r of slots retiring and the rest drawn by
 * weight (v of them registrations), r = v(1 - r): registrations and
 * retirements each take v / (1 + v) of the requests.
 */
function steadyStateRegistrationShare(): number {
  const v = defaultRegistrationShare();
  return v / (1 + v);
}

/** The profiles the server package ships, beside its dist/. */
const profile = (name: string) =>
  loadBehaviourProfile(
    fileURLToPath(new URL(`../profiles/${name}`, import.meta.resolve('@menagerie/server'))),
  );

describe('default behaviour and default mix against the SLOs', () => {
  const errorBudget = 1 - AVAILABILITY_SLO.objective;
  const latencyBudget = 1 - LATENCY_SLO.objective;
  // A bad release must be able to page through the fast burn's 1h/5m condition, not only the 6h/30m one.
  const fastBurn = Math.max(...BURN_RATE_POLICY.page.map((condition) => condition.factor));

  it('keep a healthy release well inside both SLOs while some requests still fail and some are slow', () => {
    const { errors, slow } = expectedShares(DEFAULT_BEHAVIOUR_PROFILE);
    expect(errors).to.be.within(0.001, 0.002);
    expect(slow).to.be.within(0.002, 0.004);
    expect(errors).to.be.below(errorBudget / 2);
    expect(slow).to.be.below(latencyBudget / 2);
  });

  it('bad-release-errors burns the error budget faster than the fast-burn page factor', () => {
    const { errors } = expectedShares(profile('bad-release-errors.yaml'));
    expect(errors / errorBudget).to.be.above(fastBurn);
  });

  it('bad-release-latency burns the latency budget faster than the fast-burn page factor without adding 5xx', () => {
    const bad = expectedShares(profile('bad-release-latency.yaml'));
    expect(bad.slow / latencyBudget).to.be.above(fastBurn);
    expect(bad.errors).to.equal(expectedShares(DEFAULT_BEHAVIOUR_PROFILE).errors);
  });

  it('once the client retires animals, a healthy release stays inside both SLOs and a bad one still burns', () => {
    const share = steadyStateRegistrationShare();
    expect(share).to.be.closeTo(0.31, 0.01);
    const healthy = expectedShares(DEFAULT_BEHAVIOUR_PROFILE, share);
    expect(healthy.errors).to.be.below(errorBudget / 2);
    expect(healthy.slow).to.be.below(latencyBudget / 2);
    const badErrors = expectedShares(profile('bad-release-errors.yaml'), share);
    expect(badErrors.errors / errorBudget).to.be.above(fastBurn);
    const badLatency = expectedShares(profile('bad-release-latency.yaml'), share);
    expect(badLatency.slow / latencyBudget).to.be.above(fastBurn);
  });
});
