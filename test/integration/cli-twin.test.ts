import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCsvRecords } from '../../src/schema';
import { cli } from './cli-support';

const BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: 'p', gender: 'male', birthDate: '1968-03-02' } },
    { resource: { resourceType: 'Observation', id: 'w', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, effectiveDateTime: '2024-06-01', valueQuantity: { value: 198.4, unit: 'lb', system: 'http://unitsofmeasure.org', code: '[lb_av]' } } },
    { resource: { resourceType: 'Observation', id: 'a1c', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] }, effectiveDateTime: '2024-06-01', valueQuantity: { value: 7.3, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } } },
    { resource: { resourceType: 'Observation', id: 'bmi', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '39156-5' }] }, effectiveDateTime: '2024-06-01', valueQuantity: { value: 29.1, unit: 'kg/m2', code: 'kg/m2' } } },
    { resource: { resourceType: 'Condition', id: 'dm', code: { coding: [{ system: 'http://snomed.info/sct', code: '73211009' }] }, onsetDateTime: '2015-05-01', clinicalStatus: { coding: [{ code: 'active' }] } } },
    { resource: { resourceType: 'MedicationRequest', id: 'm' } },
  ],
};

describe('synthfhir twin', () => {
  it('maps a Bundle (units converted, BMI and unknown types reported), holds the kept values, is reproducible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synthfhir-twin-'));
    const file = join(dir, 'record.json');
    writeFileSync(file, JSON.stringify(BUNDLE));
    const args = ['twin', '--bundle', file, '--count', '30', '--seed', '2', '--as-of', '2025-01-01', '--similar', 'hba1c_percent,body_weight_kg', '--report', 'report.json'];
    const r = await cli(args);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.io.files.get('report.json') ?? '{}') as { where: Record<string, unknown>; used: { variable: string; value: unknown }[]; ignored: { source: string; note: string }[] };
    const used = Object.fromEntries(report.used.map((u) => [u.variable, u.value]));
    // 198.4 lb = 90.0 kg; BMI 29.1 with that weight gives the height: 100·√(90/29.1) = 175.9 cm.
    expect(used).toMatchObject({ age_years: 56, sex: 'male', body_weight_kg: 90, body_height_cm: 175.9, hba1c_percent: 7.3, diabetes_dx: 'yes', diabetes_age_dx_years: 47 });
    expect(report.ignored.map((i) => i.source).join('\n')).toMatch(/MedicationRequest/);
    expect(report.where).toMatchObject({ age_years: { gte: 55, lte: 59 }, sex: 'male', diabetes_dx: 'yes', hba1c_percent: { gte: 6.8, lte: 7.8 } });
    const rows = parseCsvRecords(r.out).filter((x) => !(x.fields.length === 1 && x.fields[0] === ''));
    const header = rows[0].fields;
    expect(rows).toHaveLength(31);
    const at = (n: string): number => header.indexOf(n);
    for (const row of rows.slice(1)) {
      expect(row.fields[at('sex')]).toBe('male');
      expect(row.fields[at('diabetes_dx')]).toBe('yes');
      const a1c = Number(row.fields[at('hba1c_percent')]);
      expect(a1c >= 6.8 && a1c <= 7.8).toBe(true);
    }
    const again = await cli(args);
    expect(again.out).toBe(r.out);
  });
});
