import { NAME_PATTERN, SPECIES, SPECIES_LEGS } from '@menagerie/animals';
import { animalSchema } from '@menagerie/animals/validation';
import { PATHS, ROUTE } from '@menagerie/contract';
import type Joi from 'joi';
import joiToJsonModule, { type Mode } from 'joi-to-json';
import { errorBodySchema } from '../http/errors.ts';
import { BODY_LIMIT_BYTES } from '../http/json-body.ts';
import { pageQuerySchema } from '../routes/animals.ts';

/**
 * The API's OpenAPI 3.1 description, built from the definitions the server
 * validates with: the joi schemas of an animal, of the listing's query and of
 * the error body, the contract's routes and paths, the body limit. Served at
 * PATHS.apiDescription and committed as docs/openapi.json (a drift test
 * holds the two equal); schemathesis fuzzes the running server against it.
 */

/** Version of the API this document describes; bump it when the API changes. */
export const API_VERSION = '1.0.0';

type JsonObject = Record<string, unknown>;

// joi-to-json is CommonJS (`module.exports = parse`) while its types declare
// an ES default export: the default import is the function itself.
const joiToJson = joiToJsonModule as unknown as (schema: Joi.Schema, mode: Mode) => unknown;
const jsonSchema = (schema: Joi.Schema): JsonObject => joiToJson(schema, 'open-api-3.1') as JsonObject;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
/** An OpenAPI path template from a router one: `/animals/:id` → `/animals/{id}`. */
export const openApiPath = (route: string) => route.replace(/:(\w+)/g, '{$1}');

/**
 * An animal as a client sends it. joi-to-json renders the fields; two rules it
 * cannot express are added from the same definitions: the name pattern (its
 * rendering carries the regex's flags as text) and the exact leg count of
 * each species (a custom joi rule), as one branch per species.
 */
function animalInputSchema(): JsonObject {
  const schema = jsonSchema(animalSchema);
  const properties = schema.properties as Record<string, JsonObject>;
  properties.name = { ...properties.name, pattern: NAME_PATTERN.source };
  return {
    ...schema,
    oneOf: SPECIES.map((species) => ({
      properties: { species: { const: species }, legs: { const: SPECIES_LEGS[species] } },
    })),
  };
}

function animalSchemaWithId(input: JsonObject): JsonObject {
  const properties = input.properties as Record<string, JsonObject>;
  return {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      ...properties,
      createdAt: { type: 'string', format: 'date-time' },
    },
    required: ['id', ...((input.required as string[]) ?? []), 'createdAt'],
    additionalProperties: false,
  };
}

/** Error answers, by status: each is the error body with the reasons it is given. */
const ERROR_STATUSES: Record<string, string> = {
  '400':
    'The request is malformed: an invalid body or query, no Host on HTTP/1.1, or a request Node cannot parse.',
  '404': 'No such resource.',
  '408': 'The request (headers and body) did not arrive within the request timeout.',
  '413': `The body is over ${BODY_LIMIT_BYTES} bytes.`,
  '415': 'The body is not application/json in UTF-8, or has a content coding.',
  '417': 'An Expect other than 100-continue.',
  '431': 'The request headers are over 16 KiB.',
  '503': 'The server is shutting down.',
  '507': 'The store is full; nothing was evicted.',
  '5XX': 'A fault injected by the behaviour profile (never with FAULTS=off, never for bad input).',
};

/** Statuses any request may get before it reaches a route (Node's HTTP layer and edgeChecks). */
const EDGE_STATUSES = ['400', '408', '417', '431'];

const errors = (...statuses: string[]) =>
  Object.fromEntries(
    [...new Set([...EDGE_STATUSES, ...statuses])]
      .sort()
      .map((status) => [status, { $ref: `#/components/responses/${status}` }]),
  );

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The id the registry gave the animal.',
  schema: { type: 'string', minLength: 1 },
};

/** Query parameters of the listing, from its joi schema: no other is accepted. */
function pageParameters(): JsonObject[] {
  const schema = jsonSchema(pageQuerySchema);
  return Object.entries(schema.properties as Record<string, JsonObject>).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

export function openApiDocument(): JsonObject {
  const animalInput = animalInputSchema();
  const probe = (status: string) => ({
    type: 'object',
    properties: { status: { const: status } },
    required: ['status'],
    additionalProperties: false,
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Menagerie animal registry',
      version: API_VERSION,
      description:
        'Registers, lists, reads and deletes animals. Every error is JSON with the Error shape; ' +
        'a known path with another method is a 405 with Allow, any other path a 404. A request ' +
        'Node cannot parse at all gets a JSON 400 and its connection is closed.',
    },
    paths: {
      [ROUTE.animals]: {
        post: {
          operationId: 'registerAnimal',
          summary: 'Register an animal',
          requestBody: { required: true, content: json(ref('AnimalInput')) },
          responses: {
            '201': {
              description: 'The stored animal.',
              headers: { Location: { schema: { type: 'string' }, description: 'The animal’s URL.' } },
              content: json(ref('Animal')),
              links: {
                readAnimal: { operationId: 'getAnimal', parameters: { id: '$response.body#/id' } },
                deleteAnimal: { operationId: 'deleteAnimal', parameters: { id: '$response.body#/id' } },
              },
            },
            ...errors('413', '415', '507', '5XX'),
          },
        },
        get: {
          operationId: 'listAnimals',
          summary: 'A page of animals, in insertion order',
          parameters: pageParameters(),
          responses: {
            '200': { description: 'A page of animals.', content: json(ref('Page')) },
            ...errors(),
          },
        },
      },
      [openApiPath(ROUTE.animal)]: {
        get: {
          operationId: 'getAnimal',
          summary: 'Read an animal',
          parameters: [idParameter],
          responses: {
            '200': { description: 'The animal.', content: json(ref('Animal')) },
            ...errors('404'),
          },
        },
        delete: {
          operationId: 'deleteAnimal',
          summary: 'Delete an animal',
          parameters: [idParameter],
          responses: {
            '204': {
              description: 'Deleted.',
              links: { readDeleted: { operationId: 'getAnimal', parameters: { id: '$request.path.id' } } },
            },
            ...errors('404'),
          },
        },
      },
      [PATHS.liveness]: {
        get: {
          operationId: 'liveness',
          summary: 'Liveness',
          responses: { '200': { description: 'The process runs.', content: json(probe('ok')) }, ...errors() },
        },
      },
      [PATHS.readiness]: {
        get: {
          operationId: 'readiness',
          summary: 'Readiness',
          responses: {
            '200': { description: 'Ready for traffic.', content: json(probe('ready')) },
            ...errors('503'),
          },
        },
      },
      [PATHS.metrics]: {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (the one answer that is not JSON)',
          responses: {
            '200': {
              description:
                'Prometheus text 0.0.4, or OpenMetrics 1.0 with exemplars when Accept asks for it.',
              content: {
                'text/plain': { schema: { type: 'string' } },
                'application/openmetrics-text': { schema: { type: 'string' } },
              },
            },
            ...errors('404'),
          },
        },
      },
      [PATHS.apiDescription]: {
        get: {
          operationId: 'apiDescription',
          summary: 'This document',
          responses: {
            '200': { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) },
            ...errors(),
          },
        },
      },
    },
    components: {
      schemas: {
        AnimalInput: animalInput,
        Animal: animalSchemaWithId(animalInput),
        Page: {
          type: 'object',
          properties: {
            items: { type: 'array', items: ref('Animal') },
            total: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1 },
            offset: { type: 'integer', minimum: 0 },
          },
          required: ['items', 'total', 'limit', 'offset'],
          additionalProperties: false,
        },
        Error: jsonSchema(errorBodySchema),
      },
      responses: Object.fromEntries(
        Object.entries(ERROR_STATUSES).map(([status, description]) => [
          status,
          { description, content: json(ref('Error')) },
        ]),
      ),
    },
  };
}

/** The document as committed and served: two-space JSON and a final newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
