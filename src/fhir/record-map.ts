import { isApplicable, roundTo } from '../schema';
import type { ConditionMapping, Coding, ObservationMapping, PatientMapping, Row, Schema, Value, Variable } from '../schema';
import { parseIsoDate } from '../util';

/**
 * A real (or served) record mapped back to the model's variables through the schema's FHIR
 * mapping — the inverse of generate/: Patient gender, birthDate (age at asOf, top-coded), US Core
 * race/ethnicity and marital status; the latest Observation per LOINC code (panel components for
 * blood pressure, coded values for smoking and pregnancy), UCUM units checked (a few common
 * conversions); Conditions by SNOMED code with onset → age at diagnosis and clinical status. A
 * diagnosis with no Condition reads as "no" where the question applies (a problem list is taken
 * as complete), and is reported so. Every field used or ignored is listed with the reason.
 * See: issue 14 §2.
 */

export interface MappedField {
  /** Where it came from: "Observation/x valueQuantity", "Patient.birthDate"... */
  readonly source: string;
  readonly variable?: string;
  readonly value?: Value;
  readonly note: string;
}

export interface RecordMapping {
  readonly values: Row;
  readonly used: readonly MappedField[];
  readonly ignored: readonly MappedField[];
}

/** Loose view of a FHIR resource's JSON (inputs are unknown: every access is checked). */
type Json = Readonly<Record<string, unknown>>;

/** UCUM unit conversions to the schema's unit: (from, to) → factor. See: UCUM; SI conversion factors for clinical chemistry. */
const CONVERSIONS: Readonly<Record<string, number>> = {
  '[lb_av]>kg': 0.45359237,
  'g>kg': 0.001,
  '[in_i]>cm': 2.54,
  'm>cm': 100,
  'mm>cm': 0.1,
  // mmol/L → mg/dL: glucose 18.016, cholesterol 38.67, triglycerides 88.57 (by LOINC below).
  'umol/L>mg/dL': 1 / 88.42,
};
const MMOL_TO_MG_DL: Readonly<Record<string, number>> = { '1558-6': 18.016, '2345-7': 18.016, '2093-3': 38.67, '2085-9': 38.67, '2571-8': 88.57 };

/** A string element's value, or '' for anything else. */
function textOf(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

function obj(x: unknown): Json | undefined {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined;
}

function arr(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

function codingsOf(concept: unknown): { system?: string; code?: string }[] {
  return arr(obj(concept)?.coding).map((c) => {
    const o = obj(c) ?? {};
    return { ...(typeof o.system === 'string' ? { system: o.system } : {}), ...(typeof o.code === 'string' ? { code: o.code } : {}) };
  });
}

function sameCoding(a: { code?: string }, b: Coding): boolean {
  return a.code === b.code;
}

function dateOf(r: Json): string | undefined {
  const v = r.effectiveDateTime ?? obj(r.effectivePeriod)?.end ?? r.issued;
  return typeof v === 'string' ? v : undefined;
}

function completedYears(birth: string, at: string): number | undefined {
  const b = parseIsoDate(birth.slice(0, 10));
  const a = parseIsoDate(at.slice(0, 10));
  if (b === undefined || a === undefined) return undefined;
  const [by, bm, bd] = birth.slice(0, 10).split('-').map(Number);
  const [ay, am, ad] = at.slice(0, 10).split('-').map(Number);
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

function numericValue(v: Variable, x: number): number {
  let y = v.decimals === undefined ? x : roundTo(x, v.decimals);
  if (v.bounds?.topCoded === true && y > v.bounds.max) y = v.bounds.max;
  return y;
}

/** A quantity in the schema's unit, or the reason it cannot be. */
function quantityIn(m: ObservationMapping, q: Json | undefined, loinc: string): number | string {
  if (q === undefined || typeof q.value !== 'number') return 'no valueQuantity.value';
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : undefined;
  const want = m.ucum;
  if (want === undefined || unit === undefined || unit === want) return q.value;
  if (unit === 'mmol/L' && want === 'mg/dL' && MMOL_TO_MG_DL[loinc] !== undefined) return q.value * MMOL_TO_MG_DL[loinc];
  const f = CONVERSIONS[`${unit}>${want}`];
  return f === undefined ? `unit "${unit}" is not ${want} and has no conversion here` : q.value * f;
}

/**
 * Maps resources (a Bundle's entries, or a served patient's `$everything`) to variable values.
 * `asOf` dates the record (age = completed years at asOf).
 */
export function mapRecord(schema: Schema, resources: readonly unknown[], asOf: string): RecordMapping {
  const values: Record<string, Value> = {};
  const used: MappedField[] = [];
  const ignored: MappedField[] = [];
  const take = (source: string, v: Variable, value: Value, note: string): void => {
    values[v.name] = value;
    used.push({ source, variable: v.name, value, note });
  };
  const list = resources.map(obj).filter((r): r is Json => r !== undefined);
  const patient = list.find((r) => r.resourceType === 'Patient');
  const birthDate = typeof patient?.birthDate === 'string' ? patient.birthDate : undefined;
  const byMapping = <T>(resource: string): { v: Variable; m: T }[] =>
    schema.variables.filter((v) => v.fhir?.resource === resource).map((v) => ({ v, m: v.fhir as T }));

  // Patient.
  for (const { v, m } of byMapping<PatientMapping>('Patient')) {
    if (patient === undefined) break;
    const src = `Patient/${idOf(patient)}`;
    if (m.element === 'birthDate') {
      const age = birthDate === undefined ? undefined : completedYears(birthDate, asOf);
      if (age === undefined || age < 0) ignored.push({ source: `${src}.birthDate`, variable: v.name, note: 'no usable birthDate' });
      else take(`${src}.birthDate`, v, numericValue(v, age), `completed years at ${asOf}${age > (v.bounds?.max ?? Infinity) ? ` (top-coded at ${v.bounds?.max})` : ''}`);
    } else if (m.element === 'gender') {
      const g = patient.gender;
      const label = Object.entries(m.valueCodes ?? {}).find(([, c]) => c.code === g)?.[0] ?? (typeof g === 'string' && v.categories?.includes(g) ? g : undefined);
      if (label === undefined) ignored.push({ source: `${src}.gender`, variable: v.name, note: `gender "${String(g)}" has no ${v.name} label` });
      else take(`${src}.gender`, v, label, 'Patient.gender');
    } else if (m.element === 'raceEthnicity') {
      const exts = arr(patient.extension).map(obj);
      const codesOf = (url: string): string[] =>
        exts.filter((e) => e?.url === url).flatMap((e) => arr(e?.extension).map(obj).flatMap((x) => (typeof obj(x?.valueCoding)?.code === 'string' ? [obj(x?.valueCoding)?.code as string] : [])));
      const race = codesOf('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race');
      const eth = codesOf('http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity');
      // The label whose race and ethnicity codes all appear in the record, the most specific first
      // (Mexican American carries 2148-5 besides 2135-2; Other Hispanic only 2135-2).
      const label = Object.entries(m.raceEthnicityCodes ?? {})
        .filter(([, c]) => c.race.every((x) => race.includes(x.code)) && c.ethnicity.every((x) => eth.includes(x.code)))
        .sort((x, y) => y[1].race.length + y[1].ethnicity.length - (x[1].race.length + x[1].ethnicity.length))[0]?.[0];
      if (label === undefined) ignored.push({ source: `${src}.extension(us-core-race, us-core-ethnicity)`, variable: v.name, note: `race ${JSON.stringify(race)} / ethnicity ${JSON.stringify(eth)} match no ${v.name} label` });
      else take(`${src}.extension(us-core-race, us-core-ethnicity)`, v, label, 'US Core race and ethnicity');
    } else if (m.element === 'maritalStatus') {
      const codes = codingsOf(patient.maritalStatus);
      const label = Object.entries(m.valueCodes ?? {}).find(([, c]) => codes.some((x) => sameCoding(x, c)))?.[0];
      if (codes.length > 0 && label === undefined) ignored.push({ source: `${src}.maritalStatus`, variable: v.name, note: 'no matching label' });
      else if (label !== undefined) take(`${src}.maritalStatus`, v, label, 'Patient.maritalStatus');
    }
  }

  // Observations: the latest per variable, outpatient readings first: a value taken at an emergency
  // visit or an inpatient stay (Encounter.class EMER/IMP/ACUTE) stands for the person only when no
  // outpatient reading of it exists (the patient at rest, as a survey exam measures them).
  const acuteEncounters = new Set(
    list
      .filter((r) => r.resourceType === 'Encounter' && ['EMER', 'IMP', 'ACUTE'].includes(textOf(obj(r.class)?.code)))
      .map((r) => `Encounter/${idOf(r)}`),
  );
  let acuteNow = false;
  const latest = new Map<string, { date: string; value: Value; source: string; note: string; acute: boolean }>();
  const offer = (v: Variable, date: string, value: Value, source: string, note: string): void => {
    const prev = latest.get(v.name);
    const better = prev === undefined || (prev.acute && !acuteNow) || (prev.acute === acuteNow && date > prev.date);
    if (better) latest.set(v.name, { date, value, source, note, acute: acuteNow });
  };
  const observations = byMapping<ObservationMapping>('Observation');
  let bmi: { value: number; date: string; source: string } | undefined;
  for (const r of list.filter((x) => x.resourceType === 'Observation')) {
    const src = `Observation/${idOf(r)}`;
    acuteNow = acuteEncounters.has(textOf(obj(r.encounter)?.reference));
    const date = dateOf(r) ?? '';
    const codes = codingsOf(r.code);
    let matched = false;
    for (const { v, m } of observations) {
      if (m.panel !== undefined && codes.some((c) => sameCoding(c, m.panel!.code))) {
        for (const comp of arr(r.component).map(obj)) {
          if (!codingsOf(comp?.code).some((c) => sameCoding(c, m.code))) continue;
          matched = true;
          const q = quantityIn(m, obj(comp?.valueQuantity), m.code.code);
          if (typeof q === 'string') ignored.push({ source: `${src}.component ${m.code.code}`, variable: v.name, note: q });
          else offer(v, date, numericValue(v, q), `${src}.component ${m.code.code}`, `latest of the record (${date})`);
        }
        continue;
      }
      if (!codes.some((c) => sameCoding(c, m.code))) continue;
      matched = true;
      if (isCodedVariable(v)) {
        const vc = codingsOf(r.valueCodeableConcept);
        const own = Object.entries(m.valueCodes ?? {}).find(([, c]) => vc.some((x) => sameCoding(x, c)))?.[0];
        const refined = m.refinedBy === undefined ? undefined : Object.entries(m.refinedBy.valueCodes).find(([, c]) => vc.some((x) => sameCoding(x, c)))?.[0];
        if (refined !== undefined && m.refinedBy !== undefined) {
          const rv = schema.variables.find((x) => x.name === m.refinedBy!.variable);
          if (rv !== undefined) offer(rv, date, refined, `${src}.valueCodeableConcept`, `refines ${v.name}`);
          const yes = v.categories?.includes('yes') === true ? 'yes' : undefined;
          if (own === undefined && yes !== undefined) offer(v, date, yes, `${src}.valueCodeableConcept`, `implied by ${m.refinedBy.variable} = ${refined}`);
        }
        if (own !== undefined) offer(v, date, own, `${src}.valueCodeableConcept`, `latest of the record (${date})`);
        else if (refined === undefined) ignored.push({ source: `${src}.valueCodeableConcept`, variable: v.name, note: 'value matches no label' });
      } else {
        const q = quantityIn(m, obj(r.valueQuantity), m.code.code);
        if (typeof q === 'string') ignored.push({ source: `${src}.valueQuantity`, variable: v.name, note: q });
        else offer(v, date, numericValue(v, q), `${src}.valueQuantity`, `latest of the record (${date})`);
      }
    }
    if (!matched) {
      const derived = schema.derived.find((d) => d.fhir !== undefined && codes.some((c) => sameCoding(c, d.fhir!.code)));
      const q = obj(r.valueQuantity);
      if (derived?.formula === 'bmi' && typeof q?.value === 'number' && (bmi === undefined || date > bmi.date)) {
        bmi = { value: q.value, date, source: `${src}.valueQuantity` };
        continue;
      }
      ignored.push({
        source: src,
        note: derived !== undefined ? `${derived.name} is derived (${derived.inputs.join(', ')}), not conditioned on: its inputs are` : `code ${JSON.stringify(codes.map((c) => c.code))} is not a model variable`,
      });
    }
  }
  for (const [name, x] of latest) {
    const v = schema.variables.find((y) => y.name === name)!;
    take(x.source, v, x.value, x.note);
  }
  if (bmi !== undefined) mapBmi(schema, bmi, values, take, ignored);

  // Conditions.
  const conditions = list.filter((x) => x.resourceType === 'Condition');
  const seen = new Set<Json>();
  const conditionMappings = byMapping<ConditionMapping>('Condition');
  // A code that is one variable's own code and another's per-label code (Prediabetes: prediabetes_dx
  // "yes", diabetes_dx "borderline") reads as the former; the latter only when the record holds the
  // code twice (the generator writes one Condition per reported diagnosis).
  const primaryElsewhere = (c: Coding, owner: string): boolean => conditionMappings.some(({ v, m }) => v.name !== owner && sameCoding(c, m.code));
  const timesCoded = (c: Coding): number => conditions.filter((r) => codingsOf(r.code).some((x) => sameCoding(x, c))).length;
  for (const { v, m } of conditionMappings) {
    for (const r of conditions) {
      const codes = codingsOf(r.code);
      const byLabel = Object.entries(m.codeByLabel ?? {}).find(
        ([, c]) => codes.some((x) => sameCoding(x, c)) && (!primaryElsewhere(c, v.name) || timesCoded(c) >= 2),
      )?.[0];
      const label = byLabel ?? (codes.some((x) => sameCoding(x, m.code)) ? m.presentWhen[0] : undefined);
      if (label === undefined) continue;
      seen.add(r);
      const src = `Condition/${idOf(r)}`;
      take(`${src}.code`, v, label, 'diagnosis on the problem list');
      const onset = typeof r.onsetDateTime === 'string' ? r.onsetDateTime : undefined;
      const ageVar = m.onsetAgeVariable === undefined ? undefined : schema.variables.find((x) => x.name === m.onsetAgeVariable);
      if (ageVar !== undefined && onset !== undefined && birthDate !== undefined) {
        const age = completedYears(birthDate, onset);
        if (age !== undefined && age >= 0) take(`${src}.onsetDateTime`, ageVar, numericValue(ageVar, age), 'age at onset');
      }
      const active = m.activeVariable === undefined ? undefined : schema.variables.find((x) => x.name === m.activeVariable);
      const status = codingsOf(r.clinicalStatus)[0]?.code;
      if (active !== undefined && (status === 'active' || status === 'resolved' || status === 'inactive' || status === 'remission')) {
        take(`${src}.clinicalStatus`, active, status === 'active' ? 'yes' : 'no', 'clinical status');
      }
    }
  }
  for (const r of conditions) if (!seen.has(r)) ignored.push({ source: `Condition/${idOf(r)}`, note: `code ${JSON.stringify(codingsOf(r.code).map((c) => c.code))} is not a model diagnosis` });
  // Absent diagnoses: "no" where the question applies (decided in schema order, gates first).
  for (const { v } of byMapping<ConditionMapping>('Condition')) {
    if (values[v.name] !== undefined || !v.categories?.includes('no')) continue;
    if (!isApplicable(v, values)) continue;
    take('(no Condition)', v, 'no', 'no Condition with this code: read as "no" (problem list taken as complete)');
  }
  for (const r of list) {
    if (!['Patient', 'Observation', 'Condition'].includes(typeOf(r))) {
      ignored.push({ source: `${typeOf(r)}/${idOf(r)}`, note: 'resource type not mapped to model variables (utilization is not inferred from encounters)' });
    }
  }
  return { values, used, ignored };
}

/** BMI is reported to 0.1 kg/m²: a given BMI stands for [b − 0.05, b + 0.05). */
const BMI_HALF_STEP = 0.05;

/**
 * A BMI constrains weight and height only jointly — w = BMI·h², a curve, not a point or a box the
 * model can condition on exactly. With one of them known it fixes the other (reported to its grid,
 * so the twin's BMI rounds back within 0.1); with both it is a consistency check; alone it is
 * reported as not used (give height or weight).
 */
function mapBmi(
  schema: Schema,
  bmi: { value: number; source: string },
  values: Record<string, Value>,
  take: (source: string, v: Variable, value: Value, note: string) => void,
  ignored: MappedField[],
): void {
  const d = schema.derived.find((x) => x.formula === 'bmi');
  const weight = schema.variables.find((v) => v.name === d?.inputs[0]);
  const height = schema.variables.find((v) => v.name === d?.inputs[1]);
  if (d === undefined || weight === undefined || height === undefined) return;
  const w = values[weight.name];
  const h = values[height.name];
  if (typeof w === 'number' && typeof h === 'number') {
    const recomputed = w / (h / 100) ** 2;
    const ok = Math.abs(recomputed - bmi.value) <= BMI_HALF_STEP + 0.05;
    ignored.push({ source: bmi.source, variable: d.name, note: ok ? `derived from ${weight.name} and ${height.name} (consistent: ${recomputed.toFixed(1)})` : `inconsistent with ${weight.name} and ${height.name} (they give ${recomputed.toFixed(1)}); they are used` });
  } else if (typeof w === 'number') {
    take(bmi.source, height, numericValue(height, 100 * Math.sqrt(w / bmi.value)), `from BMI ${bmi.value} and ${weight.name} ${w}: h = √(w/BMI)`);
  } else if (typeof h === 'number') {
    take(bmi.source, weight, numericValue(weight, bmi.value * (h / 100) ** 2), `from BMI ${bmi.value} and ${height.name} ${h}: w = BMI·h²`);
  } else {
    ignored.push({ source: bmi.source, variable: d.name, note: `BMI alone fixes only the curve weight = BMI·height², which the model cannot hold exactly; give ${weight.name} or ${height.name}` });
  }
}

function idOf(r: Json): string {
  return typeof r.id === 'string' ? r.id : '';
}

function typeOf(r: Json): string {
  return typeof r.resourceType === 'string' ? r.resourceType : '?';
}

function isCodedVariable(v: Variable): boolean {
  return v.kind === 'categorical' || v.kind === 'ordinal';
}
