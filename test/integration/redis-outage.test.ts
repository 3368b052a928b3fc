import request from 'supertest';

import type { App } from '../../src/app';
import { createStubApp } from '../support/stub-app';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';

// A redis-server of this test's own (random port, append-only file in a temp dir), killed and
// restarted under a running replica: the replica keeps serving what it can generate, reports
// degraded, refuses new cohorts with 503 rather than losing them, reconnects by itself, and no
// acknowledged cohort is lost.
describe('Redis lost and restarted under a running replica', () => {
  let redis: RedisServer;
  let app: App;

  beforeAll(async () => {
    redis = await startRedisServer();
    app = await createStubApp({ redisUrl: redis.url, redisPrefix: 'outage:', defaultCohortSize: 20 });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.dispose();
  });

  const waitFor = async (what: () => Promise<boolean>, label: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      if (await what()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${label}`);
  };

  it('serves on, degraded; refuses new cohorts and export jobs with 503; recovers; loses no cohort', async () => {
    const before = await request(app.app).get('/fhir/Group/$cohort?size=8&seed=31');
    expect(before.status).toBe(200);
    const registered = before.body.id as string;
    expect((await request(app.app).get('/healthz')).body.status).toBe('ok');
    const patient = (await request(app.app).get(`/fhir/Patient/${registered}-3`)).text;

    await redis.kill('SIGKILL');

    const health = await request(app.app).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', store: 'redis' });
    // Cohorts this replica resolved are generated as before.
    const again = await request(app.app).get(`/fhir/Patient/${registered}-3`);
    expect(again.status).toBe(200);
    expect(again.text).toBe(patient);
    expect((await request(app.app).get(`/fhir/Patient/${app.defaultCohort.id}-1`)).status).toBe(200);
    // A new cohort is refused, not lost.
    const refused = await request(app.app).get('/fhir/Group/$cohort?size=5&seed=32');
    expect(refused.status).toBe(503);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    expect(refused.body.issue[0].code).toBe('transient');
    expect(refused.body.issue[0].diagnostics).toMatch(/shared store is not answering/);
    const job = await request(app.app).get('/fhir/$export').set('Prefer', 'respond-async');
    expect(job.status).toBe(503);

    await redis.start();
    await waitFor(async () => (await request(app.app).get('/healthz')).body.status === 'ok', 'the replica to reconnect');
    expect((await request(app.app).get('/fhir/Group/$cohort?size=5&seed=32')).status).toBe(200);

    // A fresh replica (nothing cached) finds the cohort registered before the crash.
    const fresh = await createStubApp({ redisUrl: redis.url, redisPrefix: 'outage:', defaultCohortSize: 20 });
    try {
      const read = await request(fresh.app).get(`/fhir/Patient/${registered}-3`);
      expect(read.status).toBe(200);
      expect(read.text).toBe(patient);
      expect((await request(fresh.app).get(`/fhir/Group/${registered}`)).body.quantity).toBe(8);
    } finally {
      await fresh.close();
    }
  });

  it('a graceful restart (SIGTERM) keeps every cohort too', async () => {
    const cohorts = [];
    for (const seed of [41, 42, 43]) cohorts.push((await request(app.app).get(`/fhir/Group/$cohort?size=4&seed=${seed}`)).body.id as string);
    await redis.kill('SIGTERM');
    await redis.start();
    const fresh = await createStubApp({ redisUrl: redis.url, redisPrefix: 'outage:', defaultCohortSize: 20 });
    try {
      for (const id of cohorts) expect((await request(fresh.app).get(`/fhir/Group/${id}`)).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
