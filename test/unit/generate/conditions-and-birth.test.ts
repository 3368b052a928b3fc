import { generatePatientRecord } from '../../../src/generate';
import { AGE_TOP_CODE_YEARS, completedYears, drawBirth } from '../../../src/generate/birth-date';
import { CANCER_SITE_CODES } from '../../../src/generate';
import { rngFromSeed } from '../../../src/random';
import { parseIsoDate } from '../../../src/util';
import { DIABETIC_MAN, GIRL_9, SCHEMA, WOMAN_80_PLUS, contextFor, schemaRandomProfile } from './fixtures';

const AS_OF = '2025-01-01';
const AS_OF_MS = parseIsoDate(AS_OF) as number;
const dateMs = (d: string | undefined): number => parseIsoDate(d ?? '') as number;

describe('birth date', () => {
  it('matches the profile age at asOf for every age under the top-code', () => {
    for (let age = 0; age < AGE_TOP_CODE_YEARS; age++) {
      for (let i = 0; i < 20; i++) {
        const b = drawBirth(rngFromSeed(`b${age}-${i}`), AS_OF_MS, age);
        expect(completedYears(b.birthMs, AS_OF_MS)).toBe(age);
        expect(b.ageYears).toBe(age);
      }
    }
  });

  it('handles asOf on 29 February and infants given in months', () => {
    const leap = parseIsoDate('2024-02-29') as number;
    for (let i = 0; i < 200; i++) {
      const b = drawBirth(rngFromSeed(`leap${i}`), leap, 41);
      expect(completedYears(b.birthMs, leap)).toBe(41);
      const baby = drawBirth(rngFromSeed(`baby${i}`), AS_OF_MS, 0, 5);
      const days = (AS_OF_MS - baby.birthMs) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(5 * 30);
      expect(days).toBeLessThan(6 * 31);
    }
  });

  it('spreads a top-coded age (80 = 80 or older) over 80-99', () => {
    const ages = Array.from({ length: 2000 }, (_, i) => drawBirth(rngFromSeed(`old${i}`), AS_OF_MS, 80).ageYears);
    expect(Math.min(...ages)).toBe(80);
    expect(Math.max(...ages)).toBeLessThanOrEqual(99);
    // 80-84 holds 5.8 of 12.1 million (Census 2016): 0.479; SE at n=2000 is 0.011, so ±0.04 is >3 SE.
    expect(Math.abs(ages.filter((a) => a < 85).length / ages.length - 5.8 / 12.1)).toBeLessThan(0.04);
  });
});

describe('conditions', () => {
  it('creates one problem-list Condition per reported diagnosis, resolved when no longer active', () => {
    const r = generatePatientRecord(DIABETIC_MAN, contextFor(1));
    const codes = r.conditions.map((c) => c.code?.coding?.[0]?.code);
    // The cancer is coded by the site of the first cancer (melanoma), refining 363346000.
    expect(codes).toEqual(['73211009', '38341003', '195967001', '372244006']);
    const asthma = r.conditions.find((c) => c.code?.coding?.[0]?.code === '195967001');
    expect(asthma?.clinicalStatus?.coding?.[0]?.code).toBe('resolved');
    const diabetes = r.conditions.find((c) => c.code?.coding?.[0]?.code === '73211009');
    expect(diabetes?.clinicalStatus?.coding?.[0]?.code).toBe('active');
    for (const c of r.conditions) {
      expect(c.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
      expect(c.category?.[0]?.coding?.[0]?.code).toBe('problem-list-item');
    }
  });

  it('dates onset within the year of age at diagnosis, after birth and before asOf', () => {
    const profiles = [DIABETIC_MAN, GIRL_9, WOMAN_80_PLUS, ...Array.from({ length: 300 }, (_, i) => schemaRandomProfile(SCHEMA, `cond-${i}`))];
    let checked = 0;
    const problems: string[] = [];
    profiles.forEach((p, i) => {
      const r = generatePatientRecord(p, contextFor(i));
      const birth = dateMs(r.patient.birthDate);
      for (const c of r.conditions) {
        const code = c.code?.coding?.[0]?.code;
        const spec = SCHEMA.variables.find(
          (v) => v.fhir?.resource === 'Condition' && (v.fhir.code.code === code || (v.name === 'cancer_dx' && Object.values(CANCER_SITE_CODES).some((s) => s.code === code))),
        );
        const onsetVar = spec?.fhir?.resource === 'Condition' ? spec.fhir.onsetAgeVariable : undefined;
        const dxAge = onsetVar ? p[onsetVar] : undefined;
        const where = `${c.id ?? ''} (dx age ${String(dxAge)}, onset ${String(c.onsetDateTime)})`;
        if (typeof dxAge !== 'number') {
          if (c.onsetDateTime !== undefined) problems.push(`${where}: onset without an age at diagnosis`);
          continue;
        }
        const onset = dateMs(c.onsetDateTime);
        if (!(onset >= birth && onset < AS_OF_MS)) problems.push(`${where}: outside [birth, asOf)`);
        const ageAtOnset = completedYears(birth, onset);
        // Within that year of age, unless clipped to the day before asOf (diagnosed this year);
        // a top-coded age (80 = 80 or older) anywhere from 80 on.
        const ok =
          dxAge < AGE_TOP_CODE_YEARS ? ageAtOnset === dxAge || onset === AS_OF_MS - 86_400_000 : ageAtOnset >= AGE_TOP_CODE_YEARS;
        if (!ok) problems.push(`${where}: age at onset ${ageAtOnset}`);
        checked++;
      }
    });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});
