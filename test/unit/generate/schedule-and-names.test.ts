import { faker } from '@faker-js/faker/locale/en_US';

import { generatePatientRecord } from '../../../src/generate';
import type { PatientRecord } from '../../../src/generate';
import {
  GLYCEMIC_INTERVAL_SCREENING_MONTHS,
  HBA1C_INTERVAL_DIABETES_AT_GOAL_MONTHS,
  HBA1C_INTERVAL_DIABETES_OFF_GOAL_MONTHS,
  labIntervalMonths,
} from '../../../src/generate/schedule';
import { DIABETIC_MAN, contextFor } from './fixtures';

/** Observations of a code at ambulatory visits (the scheduled ones; acute care is tested apart). */
const count = (r: PatientRecord, code: string): number => {
  const amb = new Set(r.encounters.filter((e) => e.class.code === 'AMB').map((e) => `Encounter/${e.id ?? ''}`));
  return r.observations.filter((o) => o.code.coding?.[0]?.code === code && amb.has(o.encounter?.reference ?? '')).length;
};

/** Codes observed at one encounter. */
const codesAt = (r: PatientRecord, encounterId: string): Set<string> =>
  new Set(r.observations.filter((o) => o.encounter?.reference === `Encounter/${encounterId}`).map((o) => o.code.coding?.[0]?.code ?? ''));

describe('lab frequency follows conditions (ADA Standards of Care)', () => {
  it('chooses intervals from diagnoses and control', () => {
    expect(labIntervalMonths('glycemic', DIABETIC_MAN)).toBe(HBA1C_INTERVAL_DIABETES_OFF_GOAL_MONTHS);
    expect(labIntervalMonths('glycemic', { ...DIABETIC_MAN, insulin_now: 'no', hba1c_percent: 6.4 })).toBe(
      HBA1C_INTERVAL_DIABETES_AT_GOAL_MONTHS,
    );
    expect(labIntervalMonths('glycemic', { diabetes_dx: 'no' })).toBe(GLYCEMIC_INTERVAL_SCREENING_MONTHS);
    expect(labIntervalMonths('albuminuria', { diabetes_dx: 'no', hypertension_dx: 'no' })).toBe(Number.POSITIVE_INFINITY);
  });

  it('measures HbA1c several times a year in a frequently seen diabetic, every ~3 years otherwise', () => {
    let diabetic = 0;
    let healthy = 0;
    let healthyMax = 0;
    const N = 50;
    for (let i = 0; i < N; i++) {
      const base = { ...DIABETIC_MAN, healthcare_visits_past_year: '10-12' };
      diabetic += count(generatePatientRecord(base, contextFor(i)), '4548-4');
      const well = { ...base, diabetes_dx: 'no', diabetes_age_dx_years: undefined, insulin_now: 'no', prediabetes_dx: 'no', hba1c_percent: 5.2 };
      const n = count(generatePatientRecord(well, contextFor(i)), '4548-4');
      healthy += n;
      healthyMax = Math.max(healthyMax, n);
    }
    // Quarterly over 3 years with ~11 visits a year: ~10-12 results. Screening every 3 years: the
    // index result plus, with visits this frequent, one more 31-36 months earlier (due fraction 0.85).
    expect(diabetic / N).toBeGreaterThan(8);
    expect(healthyMax).toBe(2);
    expect(healthy / N).toBeGreaterThan(1);
  });

  it('takes vitals at every ambulatory visit and height about yearly', () => {
    const r = generatePatientRecord({ ...DIABETIC_MAN, healthcare_visits_past_year: '6-7' }, contextFor(4));
    const amb = r.encounters.filter((e) => e.class.code === 'AMB').length;
    expect(count(r, '85354-9')).toBe(amb);
    expect(count(r, '29463-7')).toBe(amb);
    expect(count(r, '8302-2')).toBeGreaterThanOrEqual(2);
    expect(count(r, '8302-2')).toBeLessThanOrEqual(4);
  });

  it('records vital signs at every emergency visit and inpatient stay, and admission labs at every stay', () => {
    const r = generatePatientRecord(
      { ...DIABETIC_MAN, healthcare_visits_past_year: '6-7' },
      contextFor(4),
    );
    const acute = r.encounters.filter((e) => e.class.code === 'EMER' || e.class.code === 'IMP');
    const stays = r.encounters.filter((e) => e.class.code === 'IMP');
    expect(stays.length).toBeGreaterThan(0);
    for (const e of acute) {
      const codes = codesAt(r, e.id ?? '');
      expect({ encounter: e.id, bp: codes.has('85354-9'), weight: codes.has('29463-7') }).toEqual({ encounter: e.id, bp: true, weight: true });
    }
    for (const e of stays) {
      const codes = codesAt(r, e.id ?? '');
      expect({ encounter: e.id, hba1c: codes.has('4548-4') }).toEqual({ encounter: e.id, hba1c: true });
    }
  });
});

describe('names, contact and identifiers', () => {
  const tables = faker.rawDefinitions.person?.first_name as unknown as { female: string[]; male: string[] };

  it('draws sex-appropriate first names, a US address, a fictional phone and an MRN', () => {
    for (let i = 0; i < 100; i++) {
      const sex = i % 2 === 0 ? 'female' : 'male';
      const p = generatePatientRecord({ ...DIABETIC_MAN, sex }, contextFor(i)).patient;
      expect(tables[sex]).toContain(p.name?.[0]?.given?.[0]);
      expect(p.telecom?.[0]?.value).toMatch(/^[2-9]\d\d-555-01\d\d$/);
      expect(p.address?.[0]?.state).toMatch(/^[A-Z]{2}$/);
      expect(p.address?.[0]?.postalCode).toMatch(/^\d{5}$/);
      expect(p.identifier?.[0]?.system).toBe('https://synthfhir.dev/fhir/mrn');
      expect(p.identifier?.[0]?.type?.coding?.[0]?.code).toBe('MR');
      expect(p.identifier?.[0]?.value).toMatch(/^\d{8}$/);
      expect(p.gender).toBe(sex);
    }
  });

  it('maps race/ethnicity to US Core extensions and marital status to v3-MaritalStatus', () => {
    const p = generatePatientRecord({ ...DIABETIC_MAN, race_ethnicity: 'mexican_american', marital_status: 'never_married' }, contextFor(1)).patient;
    const ext = (url: string) => p.extension?.find((e) => e.url.endsWith(url));
    expect(ext('us-core-race')?.extension?.find((e) => e.url === 'ombCategory')?.valueCoding?.code).toBe('UNK');
    const eth = ext('us-core-ethnicity')?.extension ?? [];
    expect(eth.map((e) => e.url)).toEqual(['ombCategory', 'detailed', 'text']);
    expect(eth[0].valueCoding?.code).toBe('2135-2');
    expect(ext('us-core-birthsex')?.valueCode).toBe('M');
    expect(p.maritalStatus?.coding?.[0]?.code).toBe('S');
  });
});
