import { SPECIES, SPECIES_LEGS } from '@menagerie/animals';
import { PATHS, ROUTE } from '@menagerie/contract';
import type { ConnectionContext, LoadRequest } from './load.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const animal = (i: number) => {
  const species = SPECIES[i % SPECIES.length] as (typeof SPECIES)[number];
  return { name: `Mix ${i}`, species, legs: SPECIES_LEGS[species] };
};
const remember = (status: number, body: string, context: ConnectionContext) => {
  if (status === 201) context.id = (JSON.parse(body) as { id: string }).id;
};
const withId = (method: string) => (request: LoadRequest, context: ConnectionContext) => ({
  ...request,
  method,
  path: `${ROUTE.animal.replace(':id', String(context.id ?? 'none'))}`,
});

/**
 * Every route, species and status code the server answers: registrations of
 * each species (201, an injected 5xx, or 507 once the small store is full),
 * reads, lists, deletions of what was just stored, every kind of refused
 * body, unknown paths, wrong and unknown methods, and the probes.
 */
export function everyRouteMix(): LoadRequest[] {
  const registrations = SPECIES.map(
    (_, i): LoadRequest => ({
      method: 'POST',
      path: ROUTE.animals,
      headers: JSON_TYPE,
      body: JSON.stringify(animal(i)),
      onResponse: remember,
    }),
  );
  return [
    ...registrations,
    { method: 'GET', path: ROUTE.animal, setupRequest: withId('GET') },
    { method: 'DELETE', path: ROUTE.animal, setupRequest: withId('DELETE') },
    { method: 'DELETE', path: ROUTE.animal, setupRequest: withId('DELETE') },
    { method: 'GET', path: `${ROUTE.animals}?limit=5` },
    { method: 'GET', path: `${ROUTE.animals}?limit=1000` },
    { method: 'GET', path: `${ROUTE.animals}/00000000-0000-0000-0000-000000000000` },
    {
      method: 'POST',
      path: ROUTE.animals,
      headers: JSON_TYPE,
      body: '{"name":"Rex","species":"dog","legs":3}',
    },
    { method: 'POST', path: ROUTE.animals, headers: JSON_TYPE, body: '{"name":"Rex"' },
    { method: 'POST', path: ROUTE.animals, headers: { 'content-type': 'text/plain' }, body: '{}' },
    {
      method: 'POST',
      path: ROUTE.animals,
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: '{}',
    },
    { method: 'POST', path: ROUTE.animals, headers: JSON_TYPE, body: `"${'a'.repeat(17 * 1024)}"` },
    { method: 'PUT', path: ROUTE.animals },
    // A method outside the known ones (the `_OTHER` label); autocannon sends only standard methods.
    { method: 'TRACE', path: ROUTE.animals },
    { method: 'GET', path: '/nowhere' },
    { method: 'GET', path: PATHS.liveness },
    { method: 'GET', path: PATHS.readiness },
  ];
}

/** Random paths, methods, ids, query keys and bodies: none may add a label value. */
export function hostileMix(random: () => number = Math.random): LoadRequest[] {
  const token = () => Math.floor(random() * 2 ** 32).toString(36);
  // Every method autocannon can send but HEAD, whose bodiless answers it waits on until its
  // timeout (the server tests send HEAD, and unknown methods over raw sockets).
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
  const randomize = (request: LoadRequest): LoadRequest => {
    const method = methods[Math.floor(random() * methods.length)] as string;
    const shapes = [
      `/${token()}/${token()}`,
      `${ROUTE.animals}/${token()}`,
      `${ROUTE.animals}/${token()}/${token()}`,
      `${ROUTE.animals}?${token()}=${token()}`,
      `/%${token()}`,
      `${PATHS.metrics}/${token()}`,
    ];
    return {
      ...request,
      method,
      path: shapes[Math.floor(random() * shapes.length)] as string,
      headers: { 'content-type': random() < 0.5 ? 'application/json' : `application/${token()}` },
      body: JSON.stringify({ name: token(), species: token(), legs: token(), [token()]: token() }),
    };
  };
  return [{ method: 'GET', path: '/', setupRequest: randomize }];
}

/** A behaviour profile that fails some registrations of every species, with several 5xx statuses. */
export function everyStatusProfile(): string {
  const statuses = [500, 502, 503, 504];
  const species = Object.fromEntries(
    SPECIES.map((name, i) => [name, { errors: { rate: 0.05, status: statuses[i % statuses.length] } }]),
  );
  return JSON.stringify({ species });
}
