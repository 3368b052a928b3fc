import request from 'supertest';

import type { App } from '../../src/app';
import { cohortKey } from '../../src/cohort';
import { canonicalJson } from '../../src/util';
import { createStubApp } from '../support/stub-app';
import { cleanupRedisPrefix, TEST_REDIS_URL, uniqueTestPrefix } from '../support/redis';

// Two stateless replicas sharing one real Redis (REDIS_URL, default redis://127.0.0.1:6379): what
// one registers, the other serves; a page link from one resolves on the other. Fails (never skips)
// when Redis does not answer.
describe(`replicas sharing Redis at ${TEST_REDIS_URL}`, () => {
  const prefix = uniqueTestPrefix('replicas');
  let a: App;
  let b: App;

  beforeAll(async () => {
    const config = { redisUrl: TEST_REDIS_URL, redisPrefix: prefix, defaultCohortSize: 25 };
    a = await createStubApp(config);
    b = await createStubApp(config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cleanupRedisPrefix(prefix);
  });

  it('both use the Redis store and agree on the default cohort id', async () => {
    expect(a.store.kind).toBe('redis');
    expect(b.defaultCohort.id).toBe(a.defaultCohort.id);
    // b reads the spec a wrote, byte for byte.
    expect(await b.store.get(cohortKey(a.defaultCohort.id))).toBe(canonicalJson(a.defaultCohort.spec));
    expect((await request(a.app).get('/healthz')).body.store).toBe('redis');
  });

  it('a cohort registered on one replica is served by the other, same bytes', async () => {
    const cohort = await a.cohorts.register({ size: 12, seed: 4242, where: { sex: 'female' } });
    const id = `${cohort.id}-11`;
    const fromB = await request(b.app).get(`/fhir/Patient/${id}`);
    expect(fromB.status).toBe(200);
    expect(fromB.body.gender).toBe('female');
    const fromA = await request(a.app).get(`/fhir/Patient/${id}`);
    expect(fromB.text).toBe(fromA.text);
  });

  it('a next link produced by one replica resolves on the other, continuing the same result set', async () => {
    const ids: string[] = [];
    let url: string | undefined = '/fhir/Patient?_count=4&_sort=birthdate';
    let turn = 0;
    while (url !== undefined) {
      const replica = turn % 2 === 0 ? a : b;
      const r = await request(replica.app).get(url);
      expect(r.status).toBe(200);
      ids.push(...(r.body.entry as { resource: { id: string } }[]).map((e) => e.resource.id));
      const next = (r.body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
      url = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
      turn += 1;
    }
    expect(turn).toBe(7);
    expect(new Set(ids).size).toBe(25);
    const single = await request(a.app).get('/fhir/Patient?_count=25&_sort=birthdate');
    expect(ids).toEqual((single.body.entry as { resource: { id: string } }[]).map((e) => e.resource.id));
  });

  it('an unknown cohort is 404 on every replica', async () => {
    expect((await request(b.app).get('/fhir/Patient/aaaaaaaaaaaaaaaa-1')).status).toBe(404);
  });
});
