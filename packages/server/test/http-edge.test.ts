import { PATHS, ROUTE } from '@menagerie/contract';
import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_ECHOED_CHARS, MAX_ECHOED_DETAILS } from '../src/http/echo-bounds.ts';
import { SECURITY_HEADERS } from '../src/http/security-headers.ts';
import { postJson, type Reply, send, sendRaw, startTestServer, type TestServer } from './helpers.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  json: { error: { status: number; code: string; message: string } };
}

/** Status, headers (lower-case names) and JSON body of one raw HTTP/1.1 answer. */
function parseRaw(response: string): RawAnswer {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, json: JSON.parse(body) };
}

/** A JSON error with this status and code, and every security header. */
function expectJsonError(answer: RawAnswer, status: number, code: string, what: string): void {
  expect(answer.status, what).to.equal(status);
  expect(answer.headers['content-type'], what).to.match(/^application\/json/);
  expect(answer.json.error, what).to.include({ status, code });
  for (const name of Object.keys(SECURITY_HEADERS))
    expect(answer.headers, what).to.have.property(name.toLowerCase());
}

const asRaw = (reply: Reply): RawAnswer => ({
  status: reply.status,
  headers: Object.fromEntries(Object.entries(reply.headers).map(([k, v]) => [k, String(v)])),
  json: reply.json as RawAnswer['json'],
});

describe('the HTTP edge: answers Node would otherwise give itself', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers an HTTP/1.1 request without Host with a JSON 400 and closes', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const raw = `${method} ${ROUTE.animals} HTTP/1.1\r\nContent-Length: 0\r\n\r\n`;
      const answer = parseRaw(await sendRaw(server.port, raw));
      expectJsonError(answer, 400, 'missing_host', raw);
      expect(answer.headers.connection).to.equal('close');
    }
    // HTTP/1.0 has no Host requirement.
    const old = parseRaw(await sendRaw(server.port, `GET ${PATHS.liveness} HTTP/1.0\r\n\r\n`));
    expect(old.status).to.equal(200);
  });

  it('answers any Expect other than 100-continue with a JSON 417, and still meets 100-continue', async () => {
    for (const expectation of ['200-ok', 'x', '100-continued', '*']) {
      const raw = `GET ${ROUTE.animals} HTTP/1.1\r\nHost: x\r\nExpect: ${expectation}\r\n\r\n`;
      const answer = parseRaw(await sendRaw(server.port, raw));
      expectJsonError(answer, 417, 'expectation_failed', expectation);
    }
    const body = JSON.stringify({ name: 'Rex', species: 'dog', legs: 4 });
    const continued = await sendRaw(
      server.port,
      `POST ${ROUTE.animals} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(continued).to.match(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
  });

  it('answers CONNECT in origin form like any other method: a JSON 405 with Allow on a known path, 404 elsewhere', async () => {
    const known = parseRaw(
      await sendRaw(server.port, `CONNECT ${ROUTE.animals} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    expectJsonError(known, 405, 'method_not_allowed', 'CONNECT /animals');
    expect(known.headers.allow?.split(', ').sort()).to.deep.equal(['GET', 'HEAD', 'POST']);
    const unknown = parseRaw(await sendRaw(server.port, 'CONNECT /nowhere HTTP/1.1\r\nHost: x\r\n\r\n'));
    expectJsonError(unknown, 404, 'not_found', 'CONNECT /nowhere');
  });

  it('answers CONNECT in authority form with a JSON 405 and opens no tunnel', async () => {
    const raw = 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nGET / HTTP/1.1\r\n\r\n';
    const response = await sendRaw(server.port, raw);
    // One answer, then the connection is closed: the bytes after it are no tunnel.
    expect(response.match(/HTTP\/1\.1 \d{3} /g)).to.have.length(1);
    const answer = parseRaw(response);
    expectJsonError(answer, 405, 'method_not_allowed', raw);
    expect(answer.headers).to.have.property('allow', '');
  });

  it('keeps answering JSON after all of these, and lost nothing', async () => {
    const stored = await postJson(server.url, { name: 'Kept', species: 'cat', legs: 4 });
    expect(stored.status).to.equal(201);
    const read = await send(server.url, { path: `${ROUTE.animals}/${(stored.json as { id: string }).id}` });
    expect(read.json).to.deep.equal(stored.json);
    expect((await send(server.url, { path: PATHS.liveness })).status).to.equal(200);
  });
});

describe('the HTTP edge: query strings', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const list = (query: string) => send(server.url, { path: `${ROUTE.animals}?${query}` });

  it('refuses unknown and repeated parameters, naming each once', async () => {
    const reply = await list('a&a&limit=2&b=1&limit=3&a=4');
    expectJsonError(asRaw(reply), 400, 'invalid_query', 'mixed');
    const details = (reply.json as { error: { details: { field: string; reason: string }[] } }).error.details;
    expect(details.map((d) => [d.field, d.reason])).to.deep.equal([
      ['a', 'object.unknown'],
      ['b', 'object.unknown'],
      ['limit', 'query.repeated'],
    ]);
  });

  it('bounds what an error body echoes, whatever the number and length of the keys', async () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `key${i}`).join('&');
    const many = await list(keys);
    expectJsonError(asRaw(many), 400, 'invalid_query', '2000 keys');
    const error = (many.json as { error: { message: string; details: unknown[] } }).error;
    expect(error.details).to.have.length(MAX_ECHOED_DETAILS);
    expect(error.message).to.include(`${2000 - MAX_ECHOED_DETAILS} more`);
    expect(many.text.length).to.be.below(2048);

    const long = await list(`${'k'.repeat(12_000)}=1`);
    expect(long.status).to.equal(400);
    expect(long.text.length).to.be.below(4 * MAX_ECHOED_CHARS + 512);

    // The same bound holds for a body with thousands of unknown keys.
    const body = `{${Array.from({ length: 1500 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const posted = await postJson(server.url, body);
    expectJsonError(asRaw(posted), 400, 'invalid_animal', '1500 body keys');
    expect(posted.text.length).to.be.below(4096);
  });

  /** Query strings of any size up to the header limit, repetition and shape. */
  const pair = fc.oneof(
    fc
      .constantFrom('limit', 'offset')
      .chain((key) =>
        fc
          .oneof(fc.nat(200), fc.integer(), fc.string({ maxLength: 8 }))
          .map((v) => `${key}=${encodeURIComponent(String(v))}`),
      ),
    fc.webQueryParameters(),
    fc.string({ unit: 'binary', maxLength: 12 }).map((s) => encodeURIComponent(s)),
    fc.constantFrom('a', '=', '&', '%', '%zz', '%E0%A4%A', '__proto__=1', 'constructor', 'limit', 'limit='),
  );
  const query = fc.oneof(
    fc.array(pair, { maxLength: 20 }).map((pairs) => pairs.join('&')),
    fc
      .tuple(pair, fc.integer({ min: 1, max: 6000 }))
      .map(([p, times]) => Array.from({ length: times }, () => p).join('&'))
      // Measured as sent: the URL parser percent-encodes some characters (' becomes %27), and a
      // request line over the header limit is a 431 (the next test), not a query to judge.
      .filter((q) => new URL(`http://localhost/?${q}`).search.length < 14_000),
  );

  it('answers any query string with a 200 page or a bounded JSON 400, and stays healthy', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const reply = await list(q);
        const what = q.slice(0, 120);
        if (reply.status === 200) {
          expect(reply.json, what).to.have.keys('items', 'total', 'limit', 'offset');
        } else {
          expectJsonError(asRaw(reply), 400, 'invalid_query', what);
          expect(reply.text.length, what).to.be.below(4096);
        }
      }),
      { numRuns: 150 },
    );
    expect((await send(server.url, { path: PATHS.liveness })).status).to.equal(200);
  });

  it('answers a request line over the header limit with a JSON 431, and stays healthy', async () => {
    const reply = await list(`limit=${'1'.repeat(20_000)}`);
    expectJsonError(asRaw(reply), 431, 'headers_too_large', 'a 20 000-character query');
    expect((await send(server.url, { path: PATHS.liveness })).status).to.equal(200);
  });

  /** Median time of `rounds` sequential requests for each query, interleaved so load hits both alike. */
  async function medianCosts(queries: string[], rounds: number): Promise<number[]> {
    const times: number[][] = queries.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, q] of queries.entries()) {
        const started = performance.now();
        const reply = await list(q);
        times[i]?.push(performance.now() - started);
        expect(reply.status).to.equal(400);
      }
    }
    return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)] as number);
  }

  it('costs linearly in the repeated keys: 8× the keys cost well under 8× the time × 2 (it was ~64×)', async () => {
    const repeated = (key: string, times: number) => Array.from({ length: times }, () => key).join('&');
    // Up to 11 KB of query, inside Node's 16 KB header limit.
    for (const [key, times] of [
      ['a', 700],
      ['limit=1', 250],
    ] as const) {
      const [few = 0, many = 0] = await medianCosts([repeated(key, times), repeated(key, 8 * times)], 15);
      expect(many / few, `${key}: ${few.toFixed(2)} ms vs ${many.toFixed(2)} ms`).to.be.below(16);
    }
  });
});
