import {
  KNOWN_METHODS,
  OTHER_METHOD,
  PATHS,
  ROUTE,
  SERVER_METRICS,
  UNMATCHED_ROUTE,
} from '@menagerie/telemetry';
import { expect } from 'chai';
import { BODY_LIMIT_BYTES } from '../src/http/json-body.ts';
import { type Reply, samples, send, sendRaw, startTestServer, type TestServer } from './helpers.ts';

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
