import { setTimeout as sleep } from 'node:timers/promises';
import type Router from '@koa/router';
import { type Species, speciesLabel } from '@menagerie/animals';
import { validateAnimal } from '@menagerie/animals/validation';
import { type RegistrationOutcome, ROUTE, SPAN_ATTRIBUTE } from '@menagerie/contract';
import Joi from 'joi';
import type { Context } from 'koa';
import { HttpProblem } from '../http/errors.ts';
import type { RequestState } from '../http/instrumentation.ts';
import { BODY_PROBLEM, readJsonBody } from '../http/json-body.ts';
import { readQuery } from '../http/query.ts';
import type { FaultInjector } from '../profile/faults.ts';
import type { AnimalStore } from '../store.ts';
import type { ServerTelemetry, SpeciesLabel } from '../telemetry.ts';

export interface AnimalRoutesDeps {
  store: AnimalStore;
  faults: FaultInjector;
  telemetry: ServerTelemetry;
}

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

export const pageQuerySchema = Joi.object({
  limit: Joi.number().integer().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  offset: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
}).prefs({ abortEarly: false, convert: true });
/** The listing's only query parameters, read from the schema that validates them. */
export const PAGE_QUERY_PARAMETERS: readonly string[] = Object.keys(pageQuerySchema.describe().keys ?? {});

const bodyProblems = new Set<string>(Object.values(BODY_PROBLEM));

export function animalRoutes(router: Router, deps: AnimalRoutesDeps): void {
  const { store, faults, telemetry } = deps;

  async function register(ctx: Context): Promise<void> {
    const started = performance.now();
    const state = ctx.state as RequestState;
    let species: SpeciesLabel = 'unknown';
    let outcome: RegistrationOutcome = 'invalid';
    try {
      let body: unknown;
      try {
        body = await readJsonBody(ctx);
      } catch (error) {
        if (error instanceof HttpProblem && bodyProblems.has(error.code)) telemetry.bodyRefused(error.code);
        throw error;
      }
      species = speciesLabel((body as { species?: unknown } | null)?.species);
      state.species = species;

      const result = telemetry.span('validate animal', () => validateAnimal(body), {
        failure: (r) => (r.ok ? undefined : 'invalid animal'),
      });
      if (!result.ok) {
        telemetry.animalRejected(species, result.issues);
        throw new HttpProblem(400, 'invalid_animal', 'the animal is not valid', {
          details: result.issues.map(({ path, reason, message }) => ({ field: path, reason, message })),
        });
      }

      const animal = result.value;
      const fault = faults(animal.species);
      if (fault.delayMs > 0) {
        state.faultKind = 'delay';
        telemetry.delayInjected(animal.species);
        await telemetry.span('simulated delay', () => sleep(fault.delayMs), {
          attributes: {
            [SPAN_ATTRIBUTE.faultKind]: 'delay',
            'menagerie.fault.delay_ms': Math.round(fault.delayMs),
          },
        });
      }
      if (fault.errorStatus !== undefined) {
        outcome = 'failed';
        state.faultKind = 'error';
        throw injectError(animal.species, fault.errorStatus);
      }

      const stored = telemetry.span('store animal', () => store.add(animal), {
        failure: (a) => (a ? undefined : 'store full'),
      });
      if (!stored) {
        outcome = 'rejected';
        telemetry.storeRejected();
        throw new HttpProblem(
          507,
          'store_full',
          `the store is full (${store.capacity} animals); nothing was evicted`,
        );
      }
      outcome = 'stored';
      ctx.status = 201;
      ctx.set('Location', `${ROUTE.animals}/${stored.id}`);
      ctx.body = stored;
    } catch (error) {
      if (!(error instanceof HttpProblem)) outcome = 'failed';
      throw error;
    } finally {
      telemetry.registration(species, outcome, (performance.now() - started) / 1000);
    }
  }

  function injectError(species: Species, status: number): HttpProblem {
    return telemetry.span(
      'injected error',
      () => {
        telemetry.errorInjected(species, status);
        return new HttpProblem(
          status,
          'injected_fault',
          `registration of a ${species} failed (injected fault)`,
        );
      },
      { attributes: { [SPAN_ATTRIBUTE.faultKind]: 'error' }, failure: () => 'injected fault' },
    );
  }

  router.post(ROUTE.animals, register);

  router.get(ROUTE.animals, (ctx) => {
    const { error, value } = pageQuerySchema.validate(readQuery(ctx.querystring, PAGE_QUERY_PARAMETERS));
    if (error) {
      throw new HttpProblem(400, 'invalid_query', 'the query is not valid', {
        details: error.details.map((d) => ({ field: d.path.join('.'), reason: d.type, message: d.message })),
      });
    }
    ctx.body = store.page(value.offset, value.limit);
  });

  router.get(ROUTE.animal, (ctx) => {
    const animal = store.get(ctx.params.id ?? '');
    if (!animal) throw new HttpProblem(404, 'animal_not_found', 'no animal has this id');
    ctx.body = animal;
  });

  // Lets callers keep their own population bounded (the client retires its
  // oldest animals), so a long-running demo never fills the store.
  router.delete(ROUTE.animal, (ctx) => {
    if (!store.remove(ctx.params.id ?? '')) {
      throw new HttpProblem(404, 'animal_not_found', 'no animal has this id');
    }
    ctx.status = 204;
  });
}
