import request from 'supertest';

import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { mapRecord } from '../../src/fhir/record-map';
import { isApplicable } from '../../src/schema';
import type { Row } from '../../src/schema';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';

type Res = { resourceType: string; id: string; [k: string]: unknown };
type Entry = { resource: Res };

/** Variables the FHIR record carries (the rest — income, education, medications, utilization... — it cannot). */
function carried(app: App, row: Row): string[] {
  return app.cohorts.models.default.schema.variables
    .filter((v) => row[v.name] !== undefined && v.fhir !== undefined && ['Patient', 'Observation', 'Condition'].includes(v.fhir.resource))
    .map((v) => v.name);
}

describe('$twin', () => {
  let a: App;
  beforeAll(async () => {
    a = await createApp(testConfig({ defaultCohortSize: 60 }), { logger: memoryLogger() });
  });
  afterAll(async () => {
    await a.close();
  });

  it('round trip: a served patient posted back as a Bundle maps to the variables it was generated from', async () => {
    const cohort = a.defaultCohort;
    let compared = 0;
    for (const index of [0, 3, 7, 11, 19, 23, 31, 42]) {
      const pid = `${cohort.id}-${index}`;
      const all = await request(a.app).get(`/fhir/Patient/${pid}/$everything?_count=1000`);
      const resources = (all.body.entry as Entry[]).map((e) => e.resource);
      const profile = a.cohorts.profileAt(cohort, index);
      const mapped = mapRecord(a.cohorts.models.default.schema, resources, cohort.spec.asOf).values;
      for (const name of carried(a, profile)) {
        expect({ name, value: mapped[name] }).toEqual({ name, value: profile[name] });
        compared++;
      }
      // Diagnoses with no Condition come back as "no" exactly where the profile says "no".
      for (const v of a.cohorts.models.default.schema.variables) {
        if (v.fhir?.resource !== 'Condition' || !isApplicable(v, profile)) continue;
        expect({ name: v.name, value: mapped[v.name] }).toEqual({ name: v.name, value: profile[v.name] });
      }
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('GET Patient/[id]/$twin registers a cohort of twins that share the kept values, with a report', async () => {
    const pid = `${a.defaultCohort.id}-7`;
    const profile = a.cohorts.profileAt(a.defaultCohort, 7);
    const r = await request(a.app).get(`/fhir/Patient/${pid}/$twin?count=30&seed=4`);
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('collection');
    const entries = r.body.entry as Entry[];
    const group = entries[0].resource;
    expect(group.resourceType).toBe('Group');
    expect(group.quantity).toBe(30);
    const report = entries[1].resource as unknown as { resourceType: string; parameter: { name: string; valueString?: string }[] };
    expect(report.resourceType).toBe('Parameters');
    const where = JSON.parse(report.parameter.find((p) => p.name === 'where')!.valueString!) as Record<string, unknown>;
    expect(where.sex).toBe(profile.sex);
    expect(where.race_ethnicity).toBe(profile.race_ethnicity);
    expect(report.parameter.some((p) => p.name === 'used')).toBe(true);
    const patients = entries.slice(2).map((e) => e.resource);
    expect(patients).toHaveLength(20);
    const gender = (await request(a.app).get(`/fhir/Patient/${pid}`)).body.gender as string;
    expect(patients.map((p) => p.gender)).toEqual(patients.map(() => gender));
    // The cohort is a FHIR base of its own, and every twin holds the kept values.
    const page = await request(a.app).get(`/fhir/cohort/${group.id}/Patient?_count=100`);
    expect(page.body.total).toBe(30);
    const cohort = await a.cohorts.resolve(group.id);
    for (let i = 0; i < 30; i++) {
      const twin = a.cohorts.profileAt(cohort, i);
      const holds = Object.entries(where).map(([name, c]) => {
        const x = twin[name];
        const ok = typeof c === 'string' ? x === c : typeof x === 'number' && x >= (c as { gte: number }).gte && x <= (c as { lte: number }).lte;
        return { name, ok };
      });
      expect(holds.filter((h) => !h.ok)).toEqual([]);
    }
  });

  it('POST Patient/$twin with a Bundle: keep and similar, reported; the same request names the same cohort', async () => {
    const pid = `${a.defaultCohort.id}-11`;
    const all = await request(a.app).get(`/fhir/Patient/${pid}/$everything?_count=1000`);
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: (all.body.entry as Entry[]).map((e) => ({ resource: e.resource })) };
    const profile = a.cohorts.profileAt(a.defaultCohort, 11);
    const similar = ['systolic_bp_1_mmhg', 'body_weight_kg'].filter((n) => profile[n] !== undefined);
    const url = `/fhir/Patient/$twin?count=25&seed=2&asOf=${a.defaultCohort.spec.asOf}&keep=sex,age_years&similar=${similar.join(',')}`;
    const r1 = await request(a.app).post(url).set('content-type', 'application/fhir+json').send(bundle);
    expect(r1.status).toBe(200);
    const r2 = await request(a.app).post(url).set('content-type', 'application/fhir+json').send(bundle);
    expect(r2.body.entry[0].resource.id).toBe(r1.body.entry[0].resource.id);
    const cohort = await a.cohorts.resolve(r1.body.entry[0].resource.id as string);
    for (let i = 0; i < 25; i++) {
      const twin = a.cohorts.profileAt(cohort, i);
      expect(twin.age_years).toBe(profile.age_years);
      expect(twin.sex).toBe(profile.sex);
      // ±1 within-person SD of systolic pressure (7 mmHg), when the record has one.
      const gap = profile.systolic_bp_1_mmhg === undefined ? 0 : Math.abs((twin.systolic_bp_1_mmhg as number) - (profile.systolic_bp_1_mmhg as number));
      expect(gap).toBeLessThanOrEqual(7);
    }
  });

  it('refuses a record outside the model support with 422 naming the variable, and bad inputs with 400', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p', gender: 'female', birthDate: '1970-01-01' } },
        { resource: { resourceType: 'Observation', id: 'o', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] }, effectiveDateTime: '2020-01-01', valueQuantity: { value: 25, unit: '%', code: '%' } } },
        { resource: { resourceType: 'Observation', id: 'o2', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] }, effectiveDateTime: '2020-01-01', valueQuantity: { value: 160, unit: 'cm', code: 'cm' } } },
      ],
    };
    const r = await request(a.app).post('/fhir/Patient/$twin?keep=sex,hba1c_percent,body_height_cm').set('content-type', 'application/fhir+json').send(bundle);
    expect([400, 422]).toContain(r.status);
    expect(JSON.stringify(r.body)).toMatch(/hba1c_percent/);
    const bad = await request(a.app).get(`/fhir/Patient/${a.defaultCohort.id}-1/$twin?keep=nonsense`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/nonsense/);
  });
});
