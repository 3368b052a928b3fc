import request from 'supertest';

import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { profileColumns, profileTableChunks } from '../../src/cohort';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';

// The REST API over the real shipped model (seeds/), memory store.
describe('the /cohorts REST API', () => {
  let a: App;
  const BALANCED = { size: 48, seed: 7, where: { age_years: { gte: 20 } }, balance: { by: ['race_ethnicity', 'sex'], target: 'uniform' }, name: 'ml' };
  beforeAll(async () => {
    a = await createApp(testConfig({ defaultCohortSize: 20, baseUrl: 'https://example.test/fhir' }), { logger: memoryLogger() });
  });
  afterAll(async () => {
    await a.close();
  });

  it('POST /cohorts registers a balanced cohort: 201 with id, group, fhirBase, strata and warnings', async () => {
    const r = await request(a.app).post('/cohorts').send(BALANCED);
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const id = r.body.id as string;
    expect(r.headers.location).toBe(`/cohorts/${id}`);
    expect(r.body).toMatchObject({ group: `Group/${id}`, fhirBase: `https://example.test/fhir/cohort/${id}`, size: 48, name: 'ml', warnings: [] });
    const strata = r.body.strata as { key: string; count: number; populationShare: number; weight: number; support: number }[];
    expect(strata).toHaveLength(12);
    expect(strata.every((s) => s.count === 4 && s.support > 30 && s.weight === s.populationShare / (4 / 48))).toBe(true);
    expect(r.body.profiles.csv).toBe(`https://example.test/cohorts/${id}/profiles.csv`);
    // Idempotent, and GET shows the same cohort.
    const again = await request(a.app).post('/cohorts').send(BALANCED);
    expect(again.body.id).toBe(id);
    const got = await request(a.app).get(`/cohorts/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  it('returns thin-stratum warnings with the 201', async () => {
    const r = await request(a.app).post('/cohorts').send({ size: 30, seed: 1, where: { diabetes_dx: 'yes', age_years: { gte: 40, lte: 65 } }, balance: { by: ['race_ethnicity'] } });
    expect(r.status).toBe(201);
    const thin = (r.body.strata as { key: string; thin: boolean }[]).filter((s) => s.thin);
    expect(thin.length).toBeGreaterThan(0);
    expect(r.body.warnings).toHaveLength(thin.length);
  });

  it('GET /cohorts lists every registered cohort, paged', async () => {
    const mine = (await request(a.app).post('/cohorts').send(BALANCED)).body.id as string;
    const all = await request(a.app).get('/cohorts?count=100');
    expect(all.status).toBe(200);
    const ids = (all.body.items as { id: string }[]).map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([a.defaultCohort.id, mine]));
    expect(all.body.total).toBe(ids.length);
    const seen: string[] = [];
    let url: string | undefined = '/cohorts?count=1';
    while (url !== undefined) {
      const page = await request(a.app).get(url);
      expect(page.body.items).toHaveLength(1);
      seen.push(page.body.items[0].id as string);
      url = page.body.next === undefined ? undefined : (page.body.next as string).replace('https://example.test', '');
    }
    expect(seen).toEqual(ids);
    expect((await request(a.app).get('/cohorts?count=x')).body).toMatchObject({ status: 400, code: 'INVALID_INPUT', fields: ['count'] });
  });

  it('answers bad specs with one 400 problem naming every bad field', async () => {
    const r = await request(a.app).post('/cohorts').send({ size: 'ten', seed: 1.5, sizee: 3, balance: { by: ['sex'] } });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 400, code: 'INVALID_INPUT', title: 'INVALID_INPUT' });
    for (const f of ['size', 'seed', 'sizee']) expect(r.body.detail).toContain(f);
    expect(r.body.fields).toEqual(expect.arrayContaining(['size', 'seed', 'sizee']));
    const bal = await request(a.app).post('/cohorts').send({ size: 10, seed: 1, balance: { by: [{ var: 'age_years', cuts: [65, 18] }], target: { a: 2 } } });
    expect(bal.status).toBe(400);
    expect(bal.body.fields).toEqual(['balance.by[0].cuts', 'balance.target.a', 'balance.target']);
    const where = await request(a.app).post('/cohorts').send({ size: 10, seed: 1, where: { sexx: 'female' } });
    expect(where.body).toMatchObject({ status: 400, code: 'UNKNOWN_VARIABLE' });
    const text = await request(a.app).post('/cohorts').set('content-type', 'text/plain').send('size=3');
    expect(text.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const broken = await request(a.app).post('/cohorts').set('content-type', 'application/json').send('{"size":');
    expect(broken.body).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });

  it('answers infeasible strata with a 422 problem listing every stratum with its support', async () => {
    const r = await request(a.app)
      .post('/cohorts')
      .send({ size: 10, seed: 1, where: { pregnant_at_exam: 'yes' }, balance: { by: ['sex'], target: { male: 0.5, female: 0.5 } } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('INFEASIBLE_STRATA');
    expect(r.body.strata).toEqual([
      { key: 'male', probability: 0, support: 0, feasible: false },
      { key: 'female', probability: expect.any(Number), support: expect.any(Number), feasible: true },
    ]);
    expect(r.body.detail).toContain('male: 0 effective records');
    expect(r.body.fields).toEqual(['balance']);
  });

  it('404s unknown cohorts as problems', async () => {
    for (const path of ['/cohorts/aaaaaaaaaaaaaaaa', '/cohorts/not-an-id/profiles.csv', '/cohorts/aaaaaaaaaaaaaaaa/other']) {
      const r = await request(a.app).get(path);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('NOT_FOUND');
    }
  });

  it('streams profiles.csv and profiles.ndjson: one row per patient with id, stratum, weight and every variable', async () => {
    const created = (await request(a.app).post('/cohorts').send(BALANCED)).body as { id: string };
    const cohort = await a.cohorts.resolve(created.id);
    const model = await a.cohorts.modelOf(cohort);
    const csv = await request(a.app).get(`/cohorts/${created.id}/profiles.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.split('\n');
    expect(lines[0]).toBe(profileColumns(model.schema).join(','));
    expect(lines).toHaveLength(48 + 2); // header, 48 rows, final newline
    const first = lines[1].split(',');
    const member = a.cohorts.memberOf(cohort, 0);
    expect(first.slice(0, 3)).toEqual([`${created.id}-0`, member.stratum, String(member.weight)]);
    // The same bytes as the shared table writer (which the CLI uses too).
    expect(csv.text).toBe([...profileTableChunks(a.cohorts, cohort, model.schema, 'csv')].join(''));
    const nd = await request(a.app).get(`/cohorts/${created.id}/profiles.ndjson`).buffer(true).parse((res, cb) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => cb(null, text));
    });
    expect(nd.headers['content-type']).toBe('application/x-ndjson');
    const rows = (nd.body as string).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(48);
    expect(Object.keys(rows[47]).slice(0, 4)).toEqual(['patient_id', 'stratum', 'weight', 'age_years']);
    expect(rows[47].patient_id).toBe(`${created.id}-47`);
    expect(rows[47].race_ethnicity).toBe((rows[47].stratum as string).split('|')[0]);
  });
});
