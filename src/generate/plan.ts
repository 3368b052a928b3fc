/**
 * A schema compiled once into what the generator needs: which variables become which
 * Observations (single quantities, panels such as blood pressure, coded values), Conditions and
 * Patient elements, with schedules, variation and age windows resolved.
 * See: docs/ARCHITECTURE.md "From profile to timeline"; the schema types in src/schema/types.ts.
 */
import type {
  AppliesWhen,
  Coding,
  ConditionMapping,
  DerivedVariable,
  ObservationCategory,
  ObservationMapping,
  PatientMapping,
  RaceEthnicityCodes,
  Schema,
  Variable,
} from '../schema';
import { isAnyOf } from '../schema';
import { PROFILE, RACE_ETHNICITY, SMOKING_STATUS_CODE } from './codes';
import { growthCurveFor } from './growth';
import type { GrowthCurve } from './growth';
import { medicationSpecs } from './medication';
import type { MedicationSpec } from './medication';
import { scheduleFor } from './schedule';
import type { Schedule } from './schedule';
import { diabetesVariationFor, variationFor } from './variation';
import type { Variation } from './variation';

/** One numeric Observation code fed by one variable (or a derived value). */
export interface QuantitySpec {
  readonly name: string;
  readonly code: Coding;
  readonly category: ObservationCategory;
  readonly profile: string;
  readonly ucum: string;
  readonly unit: string;
  readonly decimals: number;
  readonly bounds?: { readonly min: number; readonly max: number };
  readonly referenceRange?: ObservationMapping['referenceRange'];
  readonly schedule: Schedule;
  readonly variation: Variation;
  /** Replaces `variation` for people with diagnosed diabetes (long-term visit-to-visit figure). */
  readonly diabetesVariation?: Variation;
  readonly growth?: GrowthCurve;
  readonly derived?: { readonly formula: DerivedVariable['formula']; readonly inputs: readonly string[] };
  /** Completed-years window in which the item exists (from appliesWhen on age), inclusive. */
  readonly minAgeYears: number;
  readonly maxAgeYears: number;
}

/** A panel Observation (blood pressure): one Observation per reading, components by code. */
export interface PanelSpec {
  readonly code: Coding;
  readonly category: ObservationCategory;
  readonly profile: string;
  readonly componentCodes: readonly Coding[];
  /** readings[k][c]: the variable giving component c of reading k (undefined: not in the schema). */
  readonly readings: readonly (readonly (QuantitySpec | undefined)[])[];
  readonly schedule: Schedule;
}

/**
 * A categorical variable shown as an Observation with valueCodeableConcept (index visit only).
 * `refinedBy` names a second variable whose coding wins when present (smoking status: smoked
 * 100 cigarettes "yes" refined by smoking_now into every day / some days / former).
 */
export interface CodedSpec {
  readonly name: string;
  readonly code: Coding;
  readonly category: ObservationCategory;
  readonly profile: string;
  readonly valueCodes: Readonly<Record<string, Coding>>;
  readonly refinedBy?: ObservationMapping['refinedBy'];
}

export interface ConditionSpec {
  readonly name: string;
  readonly code: Coding;
  readonly presentWhen: readonly string[];
  readonly codeByLabel?: Readonly<Record<string, Coding>>;
  readonly onsetAgeVariable?: string;
  readonly activeVariable?: string;
}

export interface PatientSpec {
  readonly sex: string;
  readonly age: string;
  readonly ageMonths: string;
  readonly raceEthnicity: string;
  readonly maritalStatus: string;
  readonly maritalCodes?: Readonly<Record<string, Coding>>;
  readonly genderCodes?: Readonly<Record<string, Coding>>;
  readonly raceCodes: Readonly<Record<string, RaceEthnicityCodes>>;
}

export interface GenerationPlan {
  readonly quantities: readonly QuantitySpec[];
  readonly panels: readonly PanelSpec[];
  readonly coded: readonly CodedSpec[];
  readonly conditions: readonly ConditionSpec[];
  readonly medications: readonly MedicationSpec[];
  readonly patient: PatientSpec;
}

/** NHANES column names used when the schema carries no Patient mapping for an element. */
const DEFAULT_PATIENT_VARIABLES = {
  sex: 'sex',
  age: 'age_years',
  ageMonths: 'age_months',
  raceEthnicity: 'race_ethnicity',
  maritalStatus: 'marital_status',
} as const;

const VITAL_PROFILE_BY_LOINC: Readonly<Record<string, string>> = {
  '29463-7': 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-body-weight',
  '8302-2': 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-body-height',
  '39156-5': 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-bmi',
  '8867-4': 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-heart-rate',
  '85354-9': PROFILE.bloodPressure,
  '9843-4': 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-head-circumference',
};

/** The US Core profile an Observation claims when the schema names none. */
function defaultProfile(category: ObservationCategory, loinc: string): string {
  switch (category) {
    case 'vital-signs':
      return VITAL_PROFILE_BY_LOINC[loinc] ?? PROFILE.vitalSigns;
    case 'laboratory':
      return PROFILE.observationLab;
    case 'social-history':
      return loinc === SMOKING_STATUS_CODE.code ? PROFILE.smokingStatus : PROFILE.simpleObservation;
    case 'survey':
      return PROFILE.screeningAssessment;
    case 'exam':
      return PROFILE.clinicalResult;
  }
}

const MAX_AGE = Number.POSITIVE_INFINITY;

/** The completed-years window an appliesWhen puts on the age variable. */
export function ageWindow(appliesWhen: AppliesWhen | undefined, ageVariable: string): [number, number] {
  if (appliesWhen !== undefined && isAnyOf(appliesWhen)) {
    // A disjunctive rule: the item exists at any age one of its clauses allows.
    const windows = appliesWhen.anyOf.map((clause) => ageWindow(clause, ageVariable));
    return [Math.min(...windows.map((w) => w[0])), Math.max(...windows.map((w) => w[1]))];
  }
  const c = appliesWhen?.[ageVariable];
  if (c === undefined) return [0, MAX_AGE];
  if (typeof c === 'number') return [c, c];
  if (typeof c === 'string') return [0, MAX_AGE];
  if (Array.isArray(c)) {
    const nums = c.filter((x): x is number => typeof x === 'number');
    return nums.length ? [Math.min(...nums), Math.max(...nums)] : [0, MAX_AGE];
  }
  const r = c as { gt?: number; gte?: number; lt?: number; lte?: number };
  let lo = 0;
  let hi = MAX_AGE;
  if (r.gte !== undefined) lo = Math.ceil(r.gte);
  if (r.gt !== undefined) lo = Math.floor(r.gt) + 1;
  if (r.lte !== undefined) hi = Math.floor(r.lte);
  if (r.lt !== undefined) hi = Math.ceil(r.lt) - 1;
  return [lo, hi];
}

const isObservation = (v: Variable | DerivedVariable): v is (Variable | DerivedVariable) & { fhir: ObservationMapping } =>
  v.fhir?.resource === 'Observation';

function quantitySpec(
  v: Variable | DerivedVariable,
  m: ObservationMapping,
  ageVariable: string,
  derived?: DerivedVariable,
): QuantitySpec {
  const variable = derived ? undefined : (v as Variable);
  const [minAgeYears, maxAgeYears] = ageWindow(variable?.appliesWhen, ageVariable);
  const ucum = m.ucum ?? v.unit ?? '1';
  return {
    name: v.name,
    code: m.code,
    category: m.category,
    profile: m.profile ?? defaultProfile(m.category, m.code.code),
    ucum,
    unit: m.unitDisplay ?? ucum,
    decimals: v.decimals ?? 1,
    ...(variable?.bounds ? { bounds: { min: variable.bounds.min, max: variable.bounds.max } } : {}),
    ...(m.referenceRange ? { referenceRange: m.referenceRange } : {}),
    schedule: scheduleFor(m.code.code, m.category),
    variation: variationFor(m.code.code),
    ...(diabetesVariationFor(m.code.code) ? { diabetesVariation: diabetesVariationFor(m.code.code) } : {}),
    ...(growthCurveFor(m.code.code) ? { growth: growthCurveFor(m.code.code) } : {}),
    ...(derived ? { derived: { formula: derived.formula, inputs: derived.inputs } } : {}),
    minAgeYears,
    maxAgeYears,
  };
}

/** Compiles a schema into a generation plan (pure; see planFor for the memoised form). */
export function compilePlan(schema: Schema): GenerationPlan {
  const patientMapping = (element: PatientMapping['element']): (Variable & { fhir: PatientMapping }) | undefined =>
    schema.variables.find(
      (v): v is Variable & { fhir: PatientMapping } => v.fhir?.resource === 'Patient' && v.fhir.element === element,
    );
  const gender = patientMapping('gender');
  const marital = patientMapping('maritalStatus');
  const race = patientMapping('raceEthnicity');
  const patient: PatientSpec = {
    sex: gender?.name ?? DEFAULT_PATIENT_VARIABLES.sex,
    age: patientMapping('birthDate')?.name ?? DEFAULT_PATIENT_VARIABLES.age,
    ageMonths: DEFAULT_PATIENT_VARIABLES.ageMonths,
    raceEthnicity: race?.name ?? DEFAULT_PATIENT_VARIABLES.raceEthnicity,
    maritalStatus: marital?.name ?? DEFAULT_PATIENT_VARIABLES.maritalStatus,
    ...(marital?.fhir.valueCodes ? { maritalCodes: marital.fhir.valueCodes } : {}),
    ...(gender?.fhir.valueCodes ? { genderCodes: gender.fhir.valueCodes } : {}),
    raceCodes: race?.fhir.raceEthnicityCodes ?? RACE_ETHNICITY,
  };

  const quantities: QuantitySpec[] = [];
  const coded: CodedSpec[] = [];
  const panelsByCode = new Map<string, { code: Coding; profile?: string; category: ObservationCategory; members: QuantitySpec[] }>();

  for (const v of schema.variables) {
    if (!isObservation(v)) continue;
    const m = v.fhir;
    if (v.kind === 'categorical' || v.kind === 'ordinal') {
      coded.push({
        name: v.name,
        code: m.code,
        category: m.category,
        profile: m.profile ?? defaultProfile(m.category, m.code.code),
        valueCodes: m.valueCodes ?? {},
        ...(m.refinedBy ? { refinedBy: m.refinedBy } : {}),
      });
      continue;
    }
    const spec = quantitySpec(v, m, patient.age);
    if (m.panel) {
      const entry = panelsByCode.get(m.panel.code.code) ?? {
        code: m.panel.code,
        profile: m.panel.profile,
        category: m.category,
        members: [],
      };
      panelsByCode.set(m.panel.code.code, entry);
      entry.members.push(spec);
    } else {
      quantities.push(spec);
    }
  }
  for (const d of schema.derived) {
    if (d.fhir) quantities.push(quantitySpec(d, d.fhir, patient.age, d));
  }

  const panels: PanelSpec[] = [...panelsByCode.values()].map((p) => {
    // Reading k pairs the k-th variable of each component code, in schema order.
    const componentCodes: Coding[] = [];
    const perCode = new Map<string, QuantitySpec[]>();
    for (const s of p.members) {
      if (!perCode.has(s.code.code)) {
        perCode.set(s.code.code, []);
        componentCodes.push(s.code);
      }
      perCode.get(s.code.code)?.push(s);
    }
    const nReadings = Math.max(...[...perCode.values()].map((l) => l.length));
    const readings = Array.from({ length: nReadings }, (_, k) =>
      componentCodes.map((c) => perCode.get(c.code)?.[k]),
    );
    return {
      code: p.code,
      category: p.category,
      profile: p.profile ?? defaultProfile(p.category, p.code.code),
      componentCodes,
      readings,
      schedule: scheduleFor(p.code.code, p.category),
    };
  });

  const conditions: ConditionSpec[] = schema.variables
    .filter((v): v is Variable & { fhir: ConditionMapping } => v.fhir?.resource === 'Condition')
    .map((v) => ({
      name: v.name,
      code: v.fhir.code,
      presentWhen: v.fhir.presentWhen,
      ...(v.fhir.codeByLabel ? { codeByLabel: v.fhir.codeByLabel } : {}),
      ...(v.fhir.onsetAgeVariable ? { onsetAgeVariable: v.fhir.onsetAgeVariable } : {}),
      ...(v.fhir.activeVariable ? { activeVariable: v.fhir.activeVariable } : {}),
    }));

  return { quantities, panels, coded, conditions, medications: medicationSpecs(schema), patient };
}

/**
 * Memo: a schema object always compiles to the same plan, so caching it changes no output; it
 * only saves recompiling for every patient. Keyed weakly so schemas can be collected.
 */
const PLANS = new WeakMap<Schema, GenerationPlan>();

/** The plan for a schema, compiled on first use. */
export function planFor(schema: Schema): GenerationPlan {
  let plan = PLANS.get(schema);
  if (!plan) {
    plan = compilePlan(schema);
    PLANS.set(schema, plan);
  }
  return plan;
}
