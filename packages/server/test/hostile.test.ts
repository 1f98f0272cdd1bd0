import { SPECIES } from '@menagerie/animals';
import {
  KNOWN_METHODS,
  OTHER_METHOD,
  PATHS,
  ROUTE,
  SERVER_METRICS,
  UNMATCHED_ROUTE,
} from '@menagerie/contract';
import { expect } from 'chai';
import fc from 'fast-check';
import { BODY_LIMIT_BYTES } from '../src/http/json-body.ts';
import { postJson, type Reply, samples, send, sendRaw, startTestServer, type TestServer } from './helpers.ts';

const JSON_TYPE = 'application/json';
const rex = JSON.stringify({ name: 'Rex', species: 'dog', legs: 4 });

/** [what, headers, body, expected status] */
const hostileBodies: [string, Record<string, string>, string | Buffer, number][] = [
  ['no content type', {}, rex, 415],
  ['text/plain', { 'content-type': 'text/plain' }, rex, 415],
  ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }, 'name=Rex', 415],
  ['a malformed content type', { 'content-type': 'application json' }, rex, 415],
  ['a JSON suffix type', { 'content-type': 'application/json/x' }, rex, 415],
  ['latin-1 charset', { 'content-type': 'application/json; charset=iso-8859-1' }, rex, 415],
  ['utf-16 charset', { 'content-type': 'application/json; charset=utf-16' }, rex, 415],
  ['gzip content encoding', { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }, rex, 415],
  ['an unknown content encoding', { 'content-type': JSON_TYPE, 'content-encoding': 'zstd-x' }, rex, 415],
  ['a body over the limit', { 'content-type': JSON_TYPE }, `"${'a'.repeat(BODY_LIMIT_BYTES)}"`, 413],
  ['an empty body', { 'content-type': JSON_TYPE }, '', 400],
  ['whitespace only', { 'content-type': JSON_TYPE }, '   \n', 400],
  ['truncated JSON', { 'content-type': JSON_TYPE }, '{"name": "Rex"', 400],
  ['single quotes', { 'content-type': JSON_TYPE }, "{'name': 'Rex'}", 400],
  ['trailing garbage', { 'content-type': JSON_TYPE }, `${rex} x`, 400],
  ['invalid UTF-8', { 'content-type': JSON_TYPE }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400],
  [
    'a lone surrogate escape',
    { 'content-type': JSON_TYPE },
    '{"name":"\\ud800","species":"dog","legs":4}',
    400,
  ],
  ['a JSON array', { 'content-type': JSON_TYPE }, `[${rex}]`, 400],
  ['a JSON string', { 'content-type': JSON_TYPE }, '"Rex"', 400],
  ['a JSON number', { 'content-type': JSON_TYPE }, '4', 400],
  ['JSON null', { 'content-type': JSON_TYPE }, 'null', 400],
  ['a __proto__ key', { 'content-type': JSON_TYPE }, '{"__proto__":{"polluted":true},"name":"Rex"}', 400],
  ['a nested __proto__ key', { 'content-type': JSON_TYPE }, '{"name":{"__proto__":{"polluted":true}}}', 400],
  [
    'a constructor.prototype key',
    { 'content-type': JSON_TYPE },
    '{"constructor":{"prototype":{"polluted":true}}}',
    400,
  ],
  ['deeply nested arrays', { 'content-type': JSON_TYPE }, `${'['.repeat(5000)}${']'.repeat(5000)}`, 400],
  [
    'deeply nested objects',
    { 'content-type': JSON_TYPE },
    `{"name":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
    400,
  ],
  ['legs as a string', { 'content-type': JSON_TYPE }, '{"name":"Rex","species":"dog","legs":"4"}', 400],
  [
    'legs as a huge number',
    { 'content-type': JSON_TYPE },
    '{"name":"Rex","species":"dog","legs":1e400}',
    400,
  ],
  [
    'a huge name',
    { 'content-type': JSON_TYPE },
    JSON.stringify({ name: 'a'.repeat(10_000), species: 'dog', legs: 4 }),
    400,
  ],
  [
    'a species that is an object',
    { 'content-type': JSON_TYPE },
    '{"name":"Rex","species":{"$ne":1},"legs":4}',
    400,
  ],
];

function expectJsonError(reply: Reply, status: number, what: string): void {
  expect(reply.status, what).to.equal(status);
  expect(reply.headers['content-type'], what).to.match(/^application\/json/);
  const error = (reply.json as { error?: { status?: unknown; code?: unknown; message?: unknown } }).error;
  expect(error?.status, what).to.equal(status);
  expect(error?.code, what).to.be.a('string');
  expect(error?.message, what).to.be.a('string');
}

describe('hostile input', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const [what, headers, body, status] of hostileBodies) {
    it(`answers ${what} with a JSON ${status}`, async () => {
      const reply = await send(server.url, { method: 'POST', path: ROUTE.animals, headers, body });
      expectJsonError(reply, status, what);
    });
  }

  it('stored nothing, polluted nothing and stayed up', async () => {
    expect(server.store.size).to.equal(0);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((await send(server.url, { path: PATHS.liveness })).status).to.equal(200);
  });

  it('answers requests the HTTP parser refuses with a JSON 400', async () => {
    for (const raw of [
      'FOO /animals HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /animals HTTP/9.9\r\n\r\n',
      'nonsense\r\n\r\n',
    ]) {
      const response = await sendRaw(server.port, raw);
      expect(response, raw).to.match(/^HTTP\/1\.1 400 /);
      expect(response).to.match(/Content-Type: application\/json/);
      expect(JSON.parse(response.split('\r\n\r\n')[1] as string).error.status).to.equal(400);
    }
  });

  it('keeps metric labels bounded whatever the paths and methods', async () => {
    const paths = [
      '/',
      '/animals/',
      '/animals/x/y',
      `/animals/${'9'.repeat(3000)}`,
      '/%E0%A4%A',
      '/animals/%E0%A4%A',
      '/..%2f..%2fetc%2fpasswd',
      '/metrics/../animals',
      '/ANIMALS',
      ...Array.from({ length: 30 }, (_, i) => `/random/${i}/${Math.random()}`),
    ];
    const methods = [
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'HEAD',
      'PROPFIND',
      'MKCOL',
      'PURGE',
      'SEARCH',
    ];
    for (const path of paths) {
      for (const method of methods) {
        const reply = await send(server.url, { method, path });
        expect(reply.status, `${method} ${path}`).to.be.within(200, 499);
        if (method !== 'HEAD' && reply.status >= 400)
          expectJsonError(reply, reply.status, `${method} ${path}`);
      }
    }
    const metrics = (await send(server.url, { path: PATHS.metrics })).text;
    const series = samples(metrics, `${SERVER_METRICS.requestDuration.name}_count`);
    const routes = new Set(series.map((s) => s.labels.route));
    const seenMethods = new Set(series.map((s) => s.labels.method));
    const allowedRoutes = [...Object.values(ROUTE), ...Object.values(PATHS), UNMATCHED_ROUTE];
    for (const route of routes) expect(allowedRoutes, route).to.include(route);
    for (const method of seenMethods) expect([...KNOWN_METHODS, OTHER_METHOD], method).to.include(method);
    expect(seenMethods).to.include(OTHER_METHOD);
    expect(series.length).to.be.below(60);
  });
});

/**
 * Property-based: fast-check generates the hostile requests. With faults off
 * the server never answers 5xx, every error has the JSON error body, it stays
 * healthy, the animals it held are untouched and the label values stay in
 * their bounded sets.
 */
describe('hostile input, generated', function () {
  this.timeout(60_000);
  let server: TestServer;
  const held: Record<string, unknown>[] = [];
  let created = 0;

  before(async () => {
    server = await startTestServer({ storeCapacity: 100_000 });
    for (const species of ['dog', 'spider', 'snake']) {
      const legs = { dog: 4, spider: 8, snake: 0 }[species];
      held.push(
        (await postJson(server.url, { name: `Held ${species}`, species, legs })).json as Record<
          string,
          unknown
        >,
      );
    }
  });
  after(() => server.close());

  /** Never a 5xx; a JSON error body on every 4xx; a stored animal on every 201. */
  function expectSafe(reply: Reply, what: string): void {
    expect(reply.status, what).to.be.below(500);
    if (reply.status === 201) {
      created++;
      expect((reply.json as { id?: unknown }).id, what).to.be.a('string');
      return;
    }
    expect(reply.status, what).to.be.at.least(400);
    expectJsonError(reply, reply.status, what);
  }

  const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': JSON_TYPE }) =>
    send(server.url, { method: 'POST', path: ROUTE.animals, headers, body });

  /** Values a JSON body may hold, written as JSON text: nesting, odd numbers, odd strings. */
  const hostileValue: fc.Arbitrary<string> = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '"4"',
      '"4.0"',
      '" 4"',
      '"0x4"',
      '4.5',
      '-0',
      '1e400',
      '-1e400',
      '1e-400',
      '4e0',
      '0.4e1',
    ),
    fc.constantFrom('9007199254740993', '-9007199254740993', '1000000000000000000000', '[]', '{}', 'null'),
    fc.constantFrom('"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"\\u202e"', '"e\\u0301"', '"\\ufeff"'),
    fc.string({ unit: 'binary', maxLength: 80 }).map((v) => JSON.stringify(v)),
    fc.integer({ min: 1, max: 200 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  );
  const key = fc.oneof(
    fc.constantFrom('name', 'species', 'legs', 'age'),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  /** An object with animal-like and hostile keys, as JSON text (so __proto__ stays an own key). */
  const hostileObject = fc
    .array(fc.tuple(key, hostileValue), { maxLength: 8 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

  it('answers random JSON values and hostile objects safely', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, hostileObject), async (body) => {
        expectSafe(await post(body), body.slice(0, 200));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses NaN, Infinity and other tokens JSON does not have', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('NaN', 'Infinity', '-Infinity', 'undefined', '+4', '04', '.5', "'x'", '0x10'),
        async (token) => {
          const reply = await post(`{"name":"Rex","species":"dog","legs":${token}}`);
          expectJsonError(reply, 400, token);
          expect((reply.json as { error: { code: string } }).error.code).to.equal('malformed_json');
        },
      ),
    );
  });

  it('stores names of any script it accepts exactly as sent, and refuses the rest with a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 70 }),
          fc.string({ unit: 'grapheme', maxLength: 70 }),
        ),
        async (name) => {
          const reply = await post(JSON.stringify({ name, species: 'cat', legs: 4 }));
          expectSafe(reply, JSON.stringify(name));
          if (reply.status === 201) {
            const read = await send(server.url, {
              path: `${ROUTE.animals}/${(reply.json as { id: string }).id}`,
            });
            expect((read.json as { name: string }).name).to.equal(name);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers random bytes under honest, lying and unknown content types and codings safely', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        JSON_TYPE,
        `${JSON_TYPE}; charset=utf-8`,
        `${JSON_TYPE}; charset=utf-16`,
        `${JSON_TYPE}; charset=latin1`,
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        '*/*',
        '',
        ';;;',
      ),
      fc.stringMatching(/^[a-z]{1,8}\/[a-z+.-]{1,12}$/),
    );
    const coding = fc.constantFrom('', 'identity', 'gzip', 'deflate', 'br', 'x-nonsense');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), contentType, coding, async (bytes, type, enc) => {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (enc) headers['content-encoding'] = enc;
        expectSafe(await post(Buffer.from(bytes), headers), `${type} ${enc} ${bytes.length} bytes`);
      }),
      { numRuns: 200 },
    );
  });

  it('answers oversized and deeply nested bodies with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: BODY_LIMIT_BYTES - 64, max: 4 * BODY_LIMIT_BYTES }),
        fc.integer({ min: 1, max: 50_000 }),
        async (size, depth) => {
          const big = await post(JSON.stringify({ name: 'x'.repeat(size), species: 'dog', legs: 4 }));
          expect(big.status).to.be.oneOf([400, 413]);
          expectJsonError(big, big.status, `${size} bytes`);
          const nested = await post(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
          expect(nested.status).to.be.oneOf([400, 413]);
          expectJsonError(nested, nested.status, `depth ${depth}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers bodies shorter or longer than their Content-Length without a 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: -30, max: 30 }),
        async (length, lie) => {
          const body = rex.slice(0, Math.min(length, rex.length));
          const declared = Math.max(0, body.length + lie);
          const raw =
            `POST ${ROUTE.animals} HTTP/1.1\r\nHost: x\r\nContent-Type: ${JSON_TYPE}\r\n` +
            `Content-Length: ${declared}\r\nConnection: close\r\n\r\n${body}`;
          // The client half-closes after its bytes: a body shorter than declared
          // never completes, and the server answers it or hangs up.
          const response = await sendRaw(server.port, raw, { end: true }).catch(
            (error: Error) => `failed: ${error.message}`,
          );
          const statuses = [...response.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
          for (const status of statuses) {
            expect(status, `${declared} declared, ${body.length} sent`).to.be.below(500);
          }
          created += statuses.filter((status) => status === 201).length;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers a client that never finishes its request with a JSON 408 and frees the connection', async () => {
    const impatient = await startTestServer({}, { requestTimeoutMs: 300 });
    try {
      const partialBody =
        `POST ${ROUTE.animals} HTTP/1.1\r\nHost: x\r\nContent-Type: ${JSON_TYPE}\r\n` +
        `Content-Length: 100\r\n\r\n{"name":`;
      const partialHeaders = `GET ${PATHS.liveness} HTTP/1.1\r\nHost: x\r\nX-Slow: `;
      for (const raw of [partialBody, partialHeaders]) {
        const response = await sendRaw(impatient.port, raw);
        expect(response, raw).to.match(/^HTTP\/1\.1 408 /);
        const error = JSON.parse(response.split('\r\n\r\n')[1] as string).error;
        expect(error).to.include({ status: 408, code: 'request_timeout' });
      }
      expect((await send(impatient.url, { path: PATHS.liveness })).status).to.equal(200);
    } finally {
      await impatient.close();
    }
  });

  it('answers random methods, paths and queries safely', async () => {
    const method = fc.constantFrom(...KNOWN_METHODS, 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH');
    const path = fc.oneof(
      fc.webPath(),
      fc.tuple(fc.webPath(), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
      fc.webSegment().map((id) => `${ROUTE.animals}/${encodeURIComponent(id)}`),
      fc.webQueryParameters().map((q) => `${ROUTE.animals}?${q}`),
    );
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const reply = await send(server.url, { method: m, path: p.startsWith('/') ? p : `/${p}` });
        expect(reply.status, `${m} ${p}`).to.be.below(500);
        if (m !== 'HEAD' && reply.status >= 400) expectJsonError(reply, reply.status, `${m} ${p}`);
      }),
      { numRuns: 300 },
    );
  });

  it('afterwards is healthy, holds its animals untouched, polluted nothing, and kept every label bounded', async () => {
    expect((await send(server.url, { path: PATHS.liveness })).status).to.equal(200);
    expect((await send(server.url, { path: PATHS.readiness })).status).to.equal(200);
    for (const animal of held) {
      const read = await send(server.url, { path: `${ROUTE.animals}/${animal.id as string}` });
      expect(read.json).to.deep.equal(animal);
    }
    expect(server.store.size).to.equal(held.length + created);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.prototype).to.not.have.property('name');

    const metrics = (await send(server.url, { path: PATHS.metrics })).text;
    const requests = samples(metrics, `${SERVER_METRICS.requestDuration.name}_count`);
    const allowedRoutes = [...Object.values(ROUTE), ...Object.values(PATHS), UNMATCHED_ROUTE];
    for (const { labels } of requests) {
      expect(allowedRoutes).to.include(labels.route);
      expect([...KNOWN_METHODS, OTHER_METHOD]).to.include(labels.method);
      expect(Number(labels.status_code)).to.be.within(200, 499);
    }
    const failures = samples(metrics, SERVER_METRICS.validationFailures.name);
    const fields = new Set(failures.map((f) => f.labels.field));
    for (const field of fields) {
      expect(['name', 'species', 'legs', 'age', '_unknown', '_body']).to.include(field);
    }
    // Joi error types and body problems: a fixed vocabulary, however many requests.
    expect(new Set(failures.map((f) => f.labels.reason)).size).to.be.below(40);
    const species = samples(metrics, `${SERVER_METRICS.animalDuration.name}_count`).map(
      (s) => s.labels.species,
    );
    for (const name of species) expect([...SPECIES, 'unknown']).to.include(name);
  });
});
