import fc from 'fast-check';

import { GENERATOR_VERSION, allResources, generatePatientRecord } from '../../../src/generate';
import type { GeneratedResource, PatientRecord } from '../../../src/generate';
import { canonicalJson } from '../../../src/util';
import { NAMED_PROFILES, SCHEMA, contextFor, schemaRandomProfile } from './fixtures';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const HTEST = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' };

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') {
    Object.values(x).forEach(deepFreeze);
    Object.freeze(x);
  }
  return x;
}

function records(): PatientRecord[] {
  const named = Object.values(NAMED_PROFILES).map((p, i) => generatePatientRecord(p, contextFor(i)));
  const random = Array.from({ length: 40 }, (_, i) =>
    generatePatientRecord(schemaRandomProfile(SCHEMA, `record-${i}`), contextFor(100 + i)),
  );
  return [...named, ...random];
}

describe('generatePatientRecord', () => {
  const all = records();

  it('derives valid, unique, patterned ids', () => {
    for (const r of all) {
      expect(r.patientId).toMatch(/^tc1-\d+$/);
      expect(r.patient.id).toBe(r.patientId);
      const ids = allResources(r).map((x) => `${x.resourceType}/${x.id ?? ''}`);
      expect(new Set(ids).size).toBe(ids.length);
      for (const x of allResources(r)) expect(x.id).toMatch(FHIR_ID);
      r.encounters.forEach((e, k) => expect(e.id).toBe(`${r.patientId}-e${k + 1}`));
      r.observations.forEach((o, k) => expect(o.id).toBe(`${r.patientId}-o${k + 1}`));
      r.conditions.forEach((c, k) => expect(c.id).toBe(`${r.patientId}-c${k + 1}`));
    }
  });

  it('keeps references consistent (subject, encounter)', () => {
    for (const r of all) {
      const encounterIds = new Set(r.encounters.map((e) => `Encounter/${e.id ?? ''}`));
      const patientRef = `Patient/${r.patientId}`;
      for (const e of r.encounters) expect(e.subject?.reference).toBe(patientRef);
      for (const c of r.conditions) expect(c.subject.reference).toBe(patientRef);
      for (const o of r.observations) {
        expect(o.subject?.reference).toBe(patientRef);
        expect(encounterIds.has(o.encounter?.reference ?? '')).toBe(true);
      }
    }
  });

  it('gives every resource meta version 1, lastUpdated at asOf, a US Core profile and the HTEST tag', () => {
    for (const x of all.flatMap(allResources)) {
      expect(x.meta?.versionId).toBe('1');
      expect(x.meta?.lastUpdated).toBe('2025-01-01T00:00:00Z');
      expect(x.meta?.profile?.[0]).toMatch(/^http:\/\/hl7\.org\/fhir\/us\/core\/StructureDefinition\/us-core-/);
      expect(x.meta?.tag).toEqual([HTEST]);
    }
  });

  it('dates every event after birth and before asOf (UTC)', () => {
    const asOf = Date.parse('2025-01-01T00:00:00Z');
    for (const r of all) {
      const birth = Date.parse(`${r.patient.birthDate ?? ''}T00:00:00Z`);
      const times: string[] = [
        ...r.encounters.flatMap((e) => [e.period?.start ?? '', e.period?.end ?? '']),
        ...r.observations.map((o) => o.effectiveDateTime ?? ''),
      ];
      for (const t of times) {
        expect(t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(Date.parse(t)).toBeLessThan(asOf);
        expect(Date.parse(t)).toBeGreaterThanOrEqual(birth);
      }
      for (const e of r.encounters) expect(Date.parse(e.period?.end ?? '')).toBeGreaterThanOrEqual(Date.parse(e.period?.start ?? ''));
    }
  });

  it('is deterministic: same key → same bytes; never mutates the profile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(...Object.keys(NAMED_PROFILES)),
        fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
        (index, name, cohortId) => {
          const profile = deepFreeze({ ...NAMED_PROFILES[name] });
          const ctx = contextFor(index, { cohortId });
          const a = canonicalJson(generatePatientRecord(profile, ctx));
          const b = canonicalJson(generatePatientRecord(profile, ctx));
          expect(a).toBe(b);
        },
      ),
      { numRuns: 60, seed: 20250101 },
    );
  });

  it('gives different patients different streams (names, dates) and keeps parts independent', () => {
    const a = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, contextFor(1));
    const b = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, contextFor(2));
    expect(canonicalJson(a.patient.name)).not.toBe(canonicalJson(b.patient.name));
    expect(a.encounters[0].period?.start).not.toBe(b.encounters[0].period?.start);
    // A longer look-back changes the timeline, not the person (names, birth date, MRN).
    const c = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, contextFor(1, { lookbackYears: 5 }));
    expect(canonicalJson(c.patient)).toBe(canonicalJson(a.patient));
    expect(c.encounters.length).toBeGreaterThan(a.encounters.length);
  });

  it('rejects a bad context with catalogue errors quoting the value', () => {
    const p = NAMED_PROFILES.DIABETIC_MAN;
    expect(() => generatePatientRecord(p, contextFor(0, { asOf: '2025-02-30' }))).toThrow(/asOf "2025-02-30"/);
    expect(() => generatePatientRecord(p, contextFor(0, { lookbackYears: 0 }))).toThrow(/lookbackYears 0 must be a whole number ≥ 1/);
    expect(() => generatePatientRecord(p, contextFor(0, { cohortId: 'bad id' }))).toThrow(/"bad id-0"/);
    expect(() => generatePatientRecord({ sex: 'male' }, contextFor(0))).toThrow(/age_years/);
  });

  it('exposes a generator version and lists resources patient-first', () => {
    expect(GENERATOR_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const r = all[0];
    const types = allResources(r).map((x: GeneratedResource) => x.resourceType);
    expect(types[0]).toBe('Patient');
    expect(types.length).toBe(1 + r.encounters.length + r.observations.length + r.conditions.length + r.medications.length);
  });
});
