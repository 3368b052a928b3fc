import { generatePatientRecord } from '../../../src/generate';
import type { Encounter } from '../../../src/generate';
import {
  ED_VISITS_PER_PERSON_YEAR,
  MEAN_LENGTH_OF_STAY_DAYS,
  OPEN_BIN_MAX_VISITS,
  visitBin,
} from '../../../src/generate/timeline';
import { utcOffsetMinutes } from '../../../src/generate/time-zones';
import type { Row } from '../../../src/schema';
import { DIABETIC_MAN, WOMAN_80_PLUS, contextFor } from './fixtures';

const DAY = 86_400_000;
const AS_OF = Date.parse('2025-01-01T00:00:00Z');
const daysBefore = (e: Encounter): number => (AS_OF - Date.parse(e.period?.start ?? '')) / DAY;
const inPastYear = (e: Encounter): boolean => daysBefore(e) <= 365;
const cls = (e: Encounter): string => e.class.code ?? '';

describe('visitBin', () => {
  it('reads NHANES bins, numbers and the open top bin', () => {
    expect(visitBin('0')).toEqual([0, 0]);
    expect(visitBin('2-3')).toEqual([2, 3]);
    expect(visitBin('10-12')).toEqual([10, 12]);
    expect(visitBin('16+')).toEqual([16, OPEN_BIN_MAX_VISITS]);
    expect(visitBin(4)).toEqual([4, 4]);
    expect(visitBin(undefined)).toEqual([1, 1]);
  });
});

describe('encounter counts follow utilization', () => {
  const BINS = ['0', '1', '2-3', '4-5', '6-7', '8-9', '10-12', '13-15', '16+'];

  it.each(BINS)('ambulatory visits in each past year fall in bin %s', (bin) => {
    const [lo, hi] = visitBin(bin);
    for (let i = 0; i < 30; i++) {
      const r = generatePatientRecord({ ...DIABETIC_MAN, healthcare_visits_past_year: bin }, contextFor(i, { lookbackYears: 3 }));
      for (let y = 0; y < 3; y++) {
        const n = r.encounters.filter((e) => cls(e) === 'AMB' && daysBefore(e) > 365 * y && daysBefore(e) <= 365 * (y + 1)).length;
        // Bin "0" with measurements: the last check-up is placed 1-2 years back (the only exception).
        const extra = bin === '0' && y === 1 ? 1 : 0;
        expect(n).toBeGreaterThanOrEqual(lo);
        expect(n).toBeLessThanOrEqual(hi + extra);
      }
    }
  });

  it('puts the index visit of a patient with no visit last year 1-2 years back', () => {
    const r = generatePatientRecord(WOMAN_80_PLUS, contextFor(5));
    const amb = r.encounters.filter((e) => cls(e) === 'AMB');
    expect(amb).toHaveLength(1);
    expect(daysBefore(amb[0])).toBeGreaterThan(365);
    expect(daysBefore(amb[0])).toBeLessThanOrEqual(731);
    // Every observation is at the index visit, or at an emergency visit / inpatient stay.
    const acute = new Set(r.encounters.filter((e) => cls(e) !== 'AMB').map((e) => `Encounter/${e.id ?? ''}`));
    const elsewhere = r.observations.filter((o) => o.encounter?.reference !== `Encounter/${amb[0].id ?? ''}`);
    expect(elsewhere.filter((o) => !acute.has(o.encounter?.reference ?? ''))).toEqual([]);
  });

  it('has exactly hospital_stays_past_year inpatient stays in the past year, none when not hospitalized', () => {
    const stays = (p: Row, i: number): number =>
      generatePatientRecord(p, contextFor(i)).encounters.filter((e) => cls(e) === 'IMP' && inPastYear(e)).length;
    for (let i = 0; i < 40; i++) {
      expect(stays({ ...DIABETIC_MAN, hospitalized_overnight_past_year: 'yes', hospital_stays_past_year: 3 }, i)).toBe(3);
      expect(stays({ ...DIABETIC_MAN, hospitalized_overnight_past_year: 'no', hospital_stays_past_year: undefined }, i)).toBe(0);
    }
  });

  it('types and classes encounters (AMB check-up/follow-up, EMER, IMP with a stay): all four occur', () => {
    // Over 30 patients (DIABETIC_MAN: 8-9 visits and 2 stays a year, ED visits at 0.42/person-year)
    // every pair is all but certain; the set must be exactly the four, not merely a subset.
    const pairs = new Set<string>();
    let stays = 0;
    for (let i = 0; i < 30; i++) {
      const r = generatePatientRecord(DIABETIC_MAN, contextFor(i));
      for (const e of r.encounters) pairs.add(`${cls(e)}:${e.type?.[0]?.coding?.[0]?.code ?? ''}`);
      for (const e of r.encounters.filter((x) => cls(x) === 'IMP')) {
        const days = (Date.parse(e.period?.end ?? '') - Date.parse(e.period?.start ?? '')) / DAY;
        expect(days).toBeGreaterThan(0);
        stays++;
      }
    }
    expect([...pairs].sort()).toEqual(['AMB:185349003', 'AMB:390906007', 'EMER:50849002', 'IMP:32485007']);
    expect(stays).toBeGreaterThanOrEqual(60);
  });

  it('schedules ambulatory visits in local clinic hours of the patient\'s state (08:00-17:00)', () => {
    const bad: string[] = [];
    const states = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const r = generatePatientRecord(DIABETIC_MAN, contextFor(i));
      const state = r.patient.address?.[0]?.state ?? '';
      states.add(state);
      for (const e of r.encounters.filter((x) => cls(x) === 'AMB')) {
        const utc = new Date(Date.parse(e.period?.start ?? ''));
        const local = (((utc.getUTCHours() * 60 + utc.getUTCMinutes() + utcOffsetMinutes(state)) % 1440) + 1440) % 1440;
        if (local < 8 * 60 || local >= 17 * 60) bad.push(`${e.id ?? ''} ${state} ${e.period?.start ?? ''}`);
      }
    }
    expect(bad).toEqual([]);
    expect(states.size).toBeGreaterThan(30);
  });

  it('draws emergency visits and lengths of stay at their published means', () => {
    // 2,000 person-years: the ED count is Poisson(0.42/yr), SE = sqrt(0.42/2000) ≈ 0.015, so ±0.05
    // is over 3 SE. Length of stay 1 + geometric(mean 3.5): SD ≈ 3.9 days; over ~600 stays SE ≈ 0.16,
    // so ±0.6 is over 3 SE.
    let ed = 0;
    const los: number[] = [];
    const N = 2000;
    for (let i = 0; i < N; i++) {
      const p = { ...DIABETIC_MAN, healthcare_visits_past_year: '1', hospitalized_overnight_past_year: 'yes', hospital_stays_past_year: i % 3 === 0 ? 1 : undefined };
      const r = generatePatientRecord(i % 3 === 0 ? p : { ...p, hospitalized_overnight_past_year: 'no' }, contextFor(i, { lookbackYears: 1 }));
      ed += r.encounters.filter((e) => cls(e) === 'EMER').length;
      for (const e of r.encounters.filter((x) => cls(x) === 'IMP')) los.push(Math.round((Date.parse(e.period?.end ?? '') - Date.parse(e.period?.start ?? '')) / DAY));
    }
    expect(Math.abs(ed / N - ED_VISITS_PER_PERSON_YEAR)).toBeLessThan(0.05);
    const meanLos = los.reduce((a, b) => a + b, 0) / los.length;
    expect(los.length).toBeGreaterThan(600);
    expect(Math.abs(meanLos - MEAN_LENGTH_OF_STAY_DAYS)).toBeLessThan(0.6);
  });
});
