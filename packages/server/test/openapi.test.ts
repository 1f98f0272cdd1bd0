import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATHS, ROUTE } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { errorBodySchema } from '../src/http/errors.ts';
import { openApiDocument, openApiPath, renderOpenApiDocument } from '../src/openapi/document.ts';
import { OPENAPI_FILE } from '../src/openapi/generate.ts';
import { postJson, type Reply, send, sendRaw, startTestServer, type TestServer } from './helpers.ts';

type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
const document = openApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

describe('the OpenAPI document', () => {
  it('is committed exactly as the generator writes it', () => {
    const committed = readFileSync(join(REPOSITORY_ROOT, OPENAPI_FILE), 'utf8');
    expect(committed, `${OPENAPI_FILE} differs: run pnpm --filter @menagerie/server generate`).to.equal(
      renderOpenApiDocument(),
    );
  });

  describe('and the server agree', () => {
    let server: TestServer;
    // The document's own schemas, as a validator for the server's answers.
    const ajv = new Ajv2020({ strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components } as object);

    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    it('on the routes: each path and method the server routes is documented, and no other', async () => {
      const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const routed = [...Object.values(ROUTE), ...Object.values(PATHS)].flatMap((route) =>
        ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'].map((method) => `${method} ${openApiPath(route)}`),
      );
      // Ask the server which of these it routes: a 404 or 405 means it does not.
      const probePath = (path: string) => path.replace('{id}', 'no-such-id');
      const served: string[] = [];
      for (const entry of routed) {
        const [method = '', path = ''] = entry.split(' ');
        const reply = await send(server.url, { method, path: probePath(path) });
        if (
          reply.status !== 405 &&
          !(reply.status === 404 && (reply.json as ErrorJson)?.error.code === 'not_found')
        )
          served.push(entry);
      }
      expect(served.sort()).to.deep.equal(documented.sort());
    });

    /** [operation, request, expected status] covering every documented status the server gives by itself. */
    const id = { value: '' };
    const cases: [string, () => Promise<Reply>, number][] = [
      [`post ${ROUTE.animals}`, () => postJson(server.url, { name: 'Doc', species: 'dog', legs: 4 }), 201],
      [`post ${ROUTE.animals}`, () => postJson(server.url, { name: 'Doc', species: 'dog', legs: 3 }), 400],
      [`post ${ROUTE.animals}`, () => postJson(server.url, `"${'a'.repeat(20_000)}"`), 413],
      [`post ${ROUTE.animals}`, () => postJson(server.url, '{}', { 'content-type': 'text/plain' }), 415],
      [`get ${ROUTE.animals}`, () => send(server.url, { path: `${ROUTE.animals}?limit=2` }), 200],
      [`get ${ROUTE.animals}`, () => send(server.url, { path: `${ROUTE.animals}?colour=red` }), 400],
      [`get ${ROUTE.animal}`, () => send(server.url, { path: `${ROUTE.animals}/${id.value}` }), 200],
      [`get ${ROUTE.animal}`, () => send(server.url, { path: `${ROUTE.animals}/missing` }), 404],
      [
        `delete ${ROUTE.animal}`,
        () => send(server.url, { method: 'DELETE', path: `${ROUTE.animals}/${id.value}` }),
        204,
      ],
      [
        `delete ${ROUTE.animal}`,
        () => send(server.url, { method: 'DELETE', path: `${ROUTE.animals}/${id.value}` }),
        404,
      ],
      [`get ${PATHS.liveness}`, () => send(server.url, { path: PATHS.liveness }), 200],
      [`get ${PATHS.readiness}`, () => send(server.url, { path: PATHS.readiness }), 200],
      [`get ${PATHS.metrics}`, () => send(server.url, { path: PATHS.metrics }), 200],
      [`get ${PATHS.apiDescription}`, () => send(server.url, { path: PATHS.apiDescription }), 200],
    ];

    it('on the statuses and bodies: each answer is documented and matches its schema', async () => {
      for (const [operation, request, status] of cases) {
        const reply = await request();
        if (status === 201) id.value = (reply.json as { id: string }).id;
        const [method = '', route = ''] = operation.split(' ');
        const documented = document.paths[openApiPath(route)]?.[method]?.responses;
        expect(reply.status, operation).to.equal(status);
        const response = documented?.[String(status)] ?? documented?.[`${String(status)[0]}XX`];
        expect(response, `${operation} ${status} is not documented`).to.not.equal(undefined);
        const resolved = (response as { $ref?: string }).$ref
          ? { content: { 'application/json': { schema: { $ref: 'doc#/components/schemas/Error' } } } }
          : (response as { content?: Record<string, { schema: unknown }> });
        if (!resolved.content) {
          expect(reply.text, operation).to.equal('');
          continue;
        }
        const mediaType = String(reply.headers['content-type']).split(';')[0] as string;
        const schema = resolved.content[mediaType]?.schema;
        expect(schema, `${operation} ${status}: ${mediaType} is not documented`).to.not.equal(undefined);
        if (mediaType !== 'application/json') continue;
        const validate = ajv.compile(rebase(schema));
        expect(validate(reply.json), `${operation} ${status}: ${ajv.errorsText(validate.errors)}`).to.equal(
          true,
        );
      }
    });

    it('on the edge: answers Node would give itself match the error schema', async () => {
      const validate = ajv.compile({ $ref: 'doc#/components/schemas/Error' });
      for (const raw of [
        `GET ${ROUTE.animals} HTTP/1.1\r\n\r\n`,
        `GET ${ROUTE.animals} HTTP/1.1\r\nHost: x\r\nExpect: x\r\n\r\n`,
        'nonsense\r\n\r\n',
      ]) {
        const body = JSON.parse((await sendRaw(server.port, raw)).split('\r\n\r\n')[1] as string);
        expect(validate(body), `${raw}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
        expect(errorBodySchema.validate(body).error, raw).to.equal(undefined);
      }
    });
  });
});

interface ErrorJson {
  error: { code: string };
}

/** A schema from the document with its local references pointed at the registered document. */
function rebase(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object;
}
