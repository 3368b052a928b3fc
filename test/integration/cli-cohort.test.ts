import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import request from 'supertest';

import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';
import { cli } from './cli-support';

// `synthfhir cohort` against the server: same model (shipped), same defaults (an empty environment).
describe('synthfhir cohort', () => {
  let a: App;
  let dir: string;
  const SPEC = { size: 30, seed: 5, where: { age_years: { gte: 18 } }, balance: { by: ['sex', { var: 'age_years', cuts: [40, 65] }], target: 'uniform' } };
  beforeAll(async () => {
    a = await createApp(testConfig({ defaultCohortSize: 10 }), { logger: memoryLogger() });
    dir = mkdtempSync(join(tmpdir(), 'synthfhir-cohort-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(SPEC));
  });
  afterAll(async () => {
    await a.close();
  });

  it.each(['csv', 'ndjson'] as const)('writes profiles.%s byte-identical to the server', async (format) => {
    const out = join(dir, `out-${format}`);
    const r = await cli(['cohort', '--spec', join(dir, 'spec.json'), '--out', out, '--format', format]);
    expect(r.code).toBe(0);
    const id = (await request(a.app).post('/cohorts').send(SPEC)).body.id as string;
    const summary = JSON.parse(r.io.files.get(join(out, 'cohort.json')) ?? '{}') as { id: string; strata: unknown[] };
    expect(summary.id).toBe(id);
    expect(summary.strata).toHaveLength(6);
    const served = await request(a.app).get(`/cohorts/${id}/profiles.${format}`).buffer(true).parse((res, cb) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => cb(null, text));
    });
    expect(r.io.files.get(join(out, `profiles.${format}`))).toBe(served.body as string);
    expect(r.err).toContain(`cohort ${id}: 30 patients in 6 strata`);
    expect(r.out).toBe('');
  });

  it('writes FHIR NDJSON per resource type, patients carrying the cohort-member extension', async () => {
    const out = join(dir, 'out-fhir');
    const r = await cli(['cohort', '--spec', join(dir, 'spec.json'), '--out', out, '--format', 'fhir']);
    expect(r.code).toBe(0);
    const patients = (r.io.files.get(join(out, 'Patient.ndjson')) ?? '').trim().split('\n').map((l) => JSON.parse(l) as { id: string; extension: { url: string }[] });
    expect(patients).toHaveLength(30);
    expect(patients.every((p) => p.extension.some((x) => x.url === 'https://synthfhir.dev/fhir/StructureDefinition/cohort-member'))).toBe(true);
    const served = await request(a.app).get(`/fhir/Patient/${patients[7].id}`);
    expect(served.body).toEqual(patients[7]);
    for (const type of ['Group', 'Encounter', 'Observation', 'Condition']) expect(r.io.files.has(join(out, `${type}.ndjson`))).toBe(true);
    const group = JSON.parse(r.io.files.get(join(out, 'Group.ndjson')) ?? '{}') as { quantity: number };
    expect(group.quantity).toBe(30);
  });

  it('exits 2 for a bad spec and 3 for an infeasible balance, writing nothing', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ size: 10, seed: 1, balance: { by: ['sexx'] } }));
    const bad = await cli(['cohort', '--spec', join(dir, 'bad.json'), '--out', join(dir, 'never')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('balance.by[0]');
    writeFileSync(join(dir, 'infeasible.json'), JSON.stringify({ size: 10, seed: 1, where: { sex: 'female' }, balance: { by: ['sex'], target: { male: 1 } } }));
    const inf = await cli(['cohort', '--spec', join(dir, 'infeasible.json'), '--out', join(dir, 'never')]);
    expect(inf.code).toBe(3);
    expect(inf.err).toContain('Infeasible balance');
    expect(inf.io.files.size + bad.io.files.size).toBe(0);
    const format = await cli(['cohort', '--spec', join(dir, 'spec.json'), '--out', join(dir, 'never'), '--format', 'xml']);
    expect(format.code).toBe(2);
  });
});
