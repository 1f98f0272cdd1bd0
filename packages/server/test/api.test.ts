import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHS, ROUTE, SERVER_METRICS } from '@menagerie/contract';
import { expect } from 'chai';
import { SECURITY_HEADERS } from '../src/http/security-headers.ts';
import { seededRandom } from '../src/index.ts';
import { postJson, samples, send, startTestServer, type TestServer } from './helpers.ts';

const rex = { name: 'Rex', species: 'dog', legs: 4 };

describe('server API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ storeCapacity: 3 });
  });
  after(() => server.close());

  it('stores a valid animal and returns it with its id and location', async () => {
    const reply = await postJson(server.url, rex);
    expect(reply.status).to.equal(201);
    const animal = reply.json as { id: string; createdAt: string };
    expect(animal).to.include(rex);
    expect(animal.id).to.match(/^[0-9a-f-]{36}$/);
    expect(reply.headers.location).to.equal(`/animals/${animal.id}`);
    const read = await send(server.url, { path: `/animals/${animal.id}` });
    expect(read.status).to.equal(200);
    expect(read.json).to.deep.equal(animal);
  });

  it('lists animals a page at a time', async () => {
    await postJson(server.url, { ...rex, name: 'Second' });
    const page = await send(server.url, { path: '/animals?limit=1&offset=1' });
    expect(page.status).to.equal(200);
    const body = page.json as { items: { name: string }[]; total: number; limit: number; offset: number };
    expect(body).to.include({ limit: 1, offset: 1 });
    expect(body.total).to.be.at.least(2);
    expect(body.items.map((a) => a.name)).to.deep.equal(['Second']);
  });

  it('answers 400 naming each failed field', async () => {
    const reply = await postJson(server.url, { name: '', species: 'horse', legs: 3, wings: 2 });
    expect(reply.status).to.equal(400);
    const error = (reply.json as { error: { code: string; details: { field: string; reason: string }[] } })
      .error;
    expect(error.code).to.equal('invalid_animal');
    expect(error.details.map((d) => d.field)).to.have.members(['name', 'legs', 'wings']);
    expect(server.logs.some((l) => l.level === 'warn' && l.msg === 'animal rejected by validation')).to.equal(
      true,
    );
  });

  it('answers bad queries, unknown ids, unknown paths and wrong methods with JSON errors', async () => {
    const cases: [Parameters<typeof send>[1], number, string][] = [
      [{ path: '/animals?limit=1000' }, 400, 'invalid_query'],
      [{ path: '/animals?colour=red' }, 400, 'invalid_query'],
      [{ path: '/animals/00000000-0000-0000-0000-000000000000' }, 404, 'animal_not_found'],
      [{ path: '/zebras' }, 404, 'not_found'],
      [{ path: '/animals', method: 'DELETE' }, 405, 'method_not_allowed'],
      [{ path: PATHS.liveness, method: 'POST' }, 405, 'method_not_allowed'],
    ];
    for (const [options, status, code] of cases) {
      const reply = await send(server.url, options);
      expect(reply.status, JSON.stringify(options)).to.equal(status);
      expect(reply.json).to.deep.include({
        error: { ...(reply.json as { error: object }).error, status, code },
      });
      expect(reply.headers['content-type']).to.match(/^application\/json/);
    }
    const wrongMethod = await send(server.url, { path: '/animals', method: 'DELETE' });
    expect(wrongMethod.headers.allow).to.include('POST');
  });

  it('sets the security headers on every answer', async () => {
    for (const path of ['/animals', '/nowhere', PATHS.liveness]) {
      const reply = await send(server.url, { path });
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(reply.headers[name.toLowerCase()], `${path} ${name}`).to.equal(value);
      }
    }
  });

  it('refuses animals with 507 once the store is full, keeping the ones it has', async () => {
    while (!server.store.full) await postJson(server.url, rex);
    const before = server.store.size;
    const reply = await postJson(server.url, rex);
    expect(reply.status).to.equal(507);
    expect((reply.json as { error: { code: string } }).error.code).to.equal('store_full');
    expect(server.store.size).to.equal(before);
    const metrics = (await send(server.url, { path: PATHS.metrics })).text;
    expect(samples(metrics, SERVER_METRICS.storeRejections.name)[0]?.value).to.equal(1);
    expect(samples(metrics, SERVER_METRICS.storeAnimals.name)[0]?.value).to.equal(3);
    expect(samples(metrics, SERVER_METRICS.storeCapacity.name)[0]?.value).to.equal(3);
    const rejected = samples(metrics, `${SERVER_METRICS.animalDuration.name}_count`).find(
      (s) => s.labels.outcome === 'rejected',
    );
    expect(rejected?.labels.species).to.equal('dog');
  });

  it('deletes an animal with 204, then answers 404 for it, and counts the room it freed', async () => {
    // The store is full since the test above.
    expect((await postJson(server.url, rex)).status).to.equal(507);
    const id = server.store.page(0, 1).items[0]?.id as string;
    const before = server.store.size;
    const deleted = await send(server.url, { method: 'DELETE', path: `/animals/${id}` });
    expect(deleted.status).to.equal(204);
    expect(deleted.text).to.equal('');
    expect(server.store.size).to.equal(before - 1);
    expect((await send(server.url, { path: `/animals/${id}` })).status).to.equal(404);
    const again = await send(server.url, { method: 'DELETE', path: `/animals/${id}` });
    expect(again.status).to.equal(404);
    expect((again.json as { error: { code: string } }).error.code).to.equal('animal_not_found');
    expect((await postJson(server.url, rex)).status, 'room for one more').to.equal(201);
    const metrics = (await send(server.url, { path: PATHS.metrics })).text;
    expect(samples(metrics, SERVER_METRICS.storeAnimals.name)[0]?.value).to.equal(3);
    const deletes = samples(metrics, `${SERVER_METRICS.requestDuration.name}_count`).filter(
      (s) => s.labels.method === 'DELETE' && s.labels.route === ROUTE.animal,
    );
    expect(deletes.map((s) => s.labels.status_code)).to.have.members(['204', '404']);
  });

  it('answers probes', async () => {
    expect((await send(server.url, { path: PATHS.liveness })).json).to.deep.equal({ status: 'ok' });
    expect((await send(server.url, { path: PATHS.readiness })).json).to.deep.equal({ status: 'ready' });
  });
});

describe('server with a behaviour profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'menagerie-api-'));
  const profile = join(dir, 'profile.yaml');
  writeFileSync(
    profile,
    'species:\n  platypus: { errors: { rate: 1, status: 500 } }\n  snake: { latency: { medianMs: 1, p99Ms: 2 } }\n',
  );

  it('injects the 5xx the profile asks for, logs it at error and counts it', async () => {
    const server = await startTestServer(
      { faults: true, behaviourProfilePath: profile },
      { random: seededRandom(1) },
    );
    try {
      const reply = await postJson(server.url, { name: 'Perry', species: 'platypus', legs: 4 });
      expect(reply.status).to.equal(500);
      expect((reply.json as { error: { code: string } }).error.code).to.equal('injected_fault');
      expect((await postJson(server.url, { name: 'Kaa', species: 'snake', legs: 0 })).status).to.equal(201);
      const metrics = (await send(server.url, { path: PATHS.metrics })).text;
      const faults = samples(metrics, SERVER_METRICS.faultsInjected.name).map((s) => s.labels);
      expect(faults).to.deep.include.members([
        { species: 'platypus', kind: 'error' },
        { species: 'snake', kind: 'delay' },
      ]);
      const failed = samples(metrics, `${SERVER_METRICS.animalDuration.name}_count`).find(
        (s) => s.labels.outcome === 'failed',
      );
      expect(failed?.labels.species).to.equal('platypus');
      expect(server.logs.find((l) => l.msg === 'injected fault')).to.include({
        level: 'error',
        species: 'platypus',
      });
    } finally {
      await server.close();
    }
  });

  it('injects nothing with FAULTS=off', async () => {
    const server = await startTestServer({ faults: false, behaviourProfilePath: profile });
    try {
      expect((await postJson(server.url, { name: 'Perry', species: 'platypus', legs: 4 })).status).to.equal(
        201,
      );
    } finally {
      await server.close();
    }
  });
});
