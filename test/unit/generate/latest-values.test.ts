/**
 * The latest ambulatory Observation of each code equals the profile's value (same units and decimals); a
 * value missing in the profile yields no Observation of that code; children get only what their
 * profile has.
 */
import { generatePatientRecord } from '../../../src/generate';
import type { Observation, PatientRecord } from '../../../src/generate';
import type { ObservationMapping, Row } from '../../../src/schema';
import { GIRL_9, INFANT, NAMED_PROFILES, SCHEMA, contextFor, schemaRandomProfile } from './fixtures';

interface NumericItem {
  readonly name: string;
  readonly code: string;
  readonly ucum: string;
  /** Set for panel components (blood pressure). */
  readonly panel?: string;
}

const NUMERIC: readonly NumericItem[] = [...SCHEMA.variables, ...SCHEMA.derived].flatMap((v) => {
  const m = v.fhir;
  if (m?.resource !== 'Observation' || ('kind' in v && (v.kind === 'categorical' || v.kind === 'ordinal'))) return [];
  const om: ObservationMapping = m;
  return [{ name: v.name, code: om.code.code, ucum: om.ucum ?? '', ...(om.panel ? { panel: om.panel.code.code } : {}) }];
});

const codeOf = (o: Observation): string => o.code.coding?.[0]?.code ?? '';

/**
 * The latest value of an item measured at an ambulatory visit (the profile is the patient as the
 * clinic sees them; emergency and inpatient readings vary around it), with its unit code, or
 * undefined when absent at every visit.
 */
function latest(record: PatientRecord, item: NumericItem): { value?: number; unit?: string } | undefined {
  const holder = item.panel ?? item.code;
  const all = record.observations.filter((o) => codeOf(o) === holder);
  if (!all.length) return undefined;
  const ambulatory = new Set(record.encounters.filter((e) => e.class.code === 'AMB').map((e) => `Encounter/${e.id ?? ''}`));
  const obs = all.filter((o) => ambulatory.has(o.encounter?.reference ?? ''));
  if (!obs.length) return undefined;
  const last = obs.reduce((a, b) => ((b.effectiveDateTime ?? '') >= (a.effectiveDateTime ?? '') ? b : a));
  const q = item.panel ? last.component?.find((c) => c.code.coding?.[0]?.code === item.code)?.valueQuantity : last.valueQuantity;
  return { value: q?.value, unit: q?.code };
}

function profiles(): [string, Row][] {
  return [
    ...Object.entries(NAMED_PROFILES),
    ...Array.from({ length: 150 }, (_, i): [string, Row] => [`random-${i}`, schemaRandomProfile(SCHEMA, `latest-${i}`)]),
  ];
}

describe('latest value of each code = the profile value', () => {
  it.each(profiles())('%s', (_name, profile) => {
    const record = generatePatientRecord(profile, contextFor(7));
    const mismatches: string[] = [];
    for (const item of NUMERIC) {
      const want = profile[item.name];
      const got = latest(record, item);
      if (typeof want === 'number' && (got?.value !== want || got.unit !== item.ucum)) {
        mismatches.push(`${item.name}: want ${want} ${item.ucum}, got ${JSON.stringify(got)}`);
      }
      // Missing in the profile → no Observation of that code at all, at any visit.
      if (typeof want !== 'number' && !item.panel && got !== undefined) mismatches.push(`${item.name}: missing but observed`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('coded values and children', () => {
  it('codes smoking status from smoked_100_cigarettes refined by smoking_now', () => {
    const smoking = (p: Row): string | undefined =>
      generatePatientRecord(p, contextFor(3)).observations.find((o) => codeOf(o) === '72166-2')?.valueCodeableConcept?.coding?.[0]?.code;
    const base = NAMED_PROFILES.DIABETIC_MAN;
    expect(smoking({ ...base, smoking_now: 'not_at_all' })).toBe('8517006');
    expect(smoking({ ...base, smoking_now: 'every_day' })).toBe('449868002');
    expect(smoking({ ...base, smoking_now: 'some_days' })).toBe('428041000124106');
    expect(smoking({ ...base, smoking_now: undefined })).toBe('77176002');
    expect(smoking({ ...base, smoked_100_cigarettes: 'no', smoking_now: undefined })).toBe('266919005');
    expect(smoking({ ...base, smoked_100_cigarettes: undefined, smoking_now: undefined })).toBeUndefined();
  });

  it('gives a 9-year-old no lab she was not measured for, and no BP before age 8', () => {
    const record = generatePatientRecord(GIRL_9, contextFor(11, { lookbackYears: 5 }));
    const codes = new Set(record.observations.map(codeOf));
    for (const absent of ['4548-4', '1558-6', '2160-0', '98979-8', '13457-7', '2571-8', '72166-2']) expect(codes.has(absent)).toBe(false);
    const birth = Date.parse(`${record.patient.birthDate ?? ''}T00:00:00Z`);
    const ageAt = (t: string): number => (Date.parse(t) - birth) / (365.2425 * 86_400_000);
    const bp = record.observations.filter((o) => codeOf(o) === '85354-9');
    expect(bp.length).toBeGreaterThan(0);
    for (const o of bp) expect(ageAt(o.effectiveDateTime ?? '')).toBeGreaterThanOrEqual(8);
    // Growth: her heights rise over time toward today's value.
    const heights = record.observations.filter((o) => codeOf(o) === '8302-2').map((o) => o.valueQuantity?.value ?? 0);
    expect(heights.length).toBeGreaterThan(1);
    expect(heights[0]).toBeLessThan(heights[heights.length - 1]);
  });

  it('gives an interview-only infant encounters but no Observations', () => {
    const record = generatePatientRecord(INFANT, contextFor(12));
    expect(record.observations).toEqual([]);
    expect(record.encounters.length).toBeGreaterThanOrEqual(4);
  });
});
