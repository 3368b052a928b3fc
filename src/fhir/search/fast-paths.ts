import { parseReference } from './entries';
import type { TypedValue } from './fhirpath-engine';
import { jsonOf } from './json';
import type { Resource } from './types';

/**
 * Direct extractors for hot parameters: plain property reads that find the same FHIR values, in
 * the same order, as the parameter's FHIRPath expression (test/contract/fast-path.test.ts proves it
 * over generated and real corpora). Entries are then built by the same `toEntries` as the slow path.
 */
export type FastExtractor = (resource: Resource) => TypedValue[];

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (r: Resource): Obj => jsonOf(r);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Values of `field` (single or repeating) typed `fhirType`; nulls skipped like FHIRPath does. */
function field(fhirType: string, elementPath?: string): (o: Obj, name: string) => TypedValue[] {
  return (o, name) =>
    list(o[name])
      .filter((v) => v !== null && v !== undefined)
      .map((value) => (elementPath === undefined ? { fhirType, value } : { fhirType, value, elementPath }));
}
const codeable = field('CodeableConcept');
const coding = field('Coding');
const reference = field('Reference');
const identifier = field('Identifier');

/** First present choice of `prefix[x]` among the given types, as FHIRPath's `prefix` would give. */
function choice(o: Obj, prefix: string, choices: readonly string[]): TypedValue[] {
  for (const t of choices) {
    const v = o[prefix + t[0].toUpperCase() + t.slice(1)];
    if (v !== undefined && v !== null) return [{ fhirType: t, value: v }];
  }
  return [];
}

/** `X.subject.where(resolve() is Patient)`: references whose URL names a Patient. */
const patientRefs = (r: Resource): TypedValue[] =>
  reference(asObj(r), 'subject').filter((tv) => {
    const ref = isObj(tv.value) && typeof tv.value.reference === 'string' ? tv.value.reference : undefined;
    return ref !== undefined && parseReference(ref)?.type === 'Patient';
  });

const meta = (r: Resource): Obj => (isObj(asObj(r).meta) ? (asObj(r).meta as Obj) : {});

const COMMON: Readonly<Record<string, FastExtractor>> = {
  _id: (r) => (typeof r.id === 'string' ? [{ fhirType: 'System.String', value: r.id }] : []),
  _lastUpdated: (r) => field('instant')(meta(r), 'lastUpdated'),
  _tag: (r) => coding(meta(r), 'tag'),
  _profile: (r) => field('canonical')(meta(r), 'profile'),
};

const BY_TYPE: Readonly<Record<string, Readonly<Record<string, FastExtractor>>>> = {
  Patient: {
    gender: (r) => field('code', 'Patient.gender')(asObj(r), 'gender'),
    birthdate: (r) => field('date')(asObj(r), 'birthDate'),
    identifier: (r) => identifier(asObj(r), 'identifier'),
    name: (r) => field('HumanName')(asObj(r), 'name'),
    family: (r) => field('HumanName')(asObj(r), 'name').flatMap((n) => field('string')(n.value as Obj, 'family')),
    given: (r) => field('HumanName')(asObj(r), 'name').flatMap((n) => field('string')(n.value as Obj, 'given')),
  },
  Observation: {
    code: (r) => codeable(asObj(r), 'code'),
    date: (r) => choice(asObj(r), 'effective', ['dateTime', 'Period', 'Timing', 'instant']),
    subject: (r) => reference(asObj(r), 'subject'),
    patient: patientRefs,
    encounter: (r) => reference(asObj(r), 'encounter'),
    status: (r) => field('code', 'Observation.status')(asObj(r), 'status'),
    category: (r) => codeable(asObj(r), 'category'),
    'value-quantity': (r) => choice(asObj(r), 'value', ['Quantity']),
  },
  Encounter: {
    date: (r) => field('Period')(asObj(r), 'period'),
    subject: (r) => reference(asObj(r), 'subject'),
    patient: patientRefs,
    status: (r) => field('code', 'Encounter.status')(asObj(r), 'status'),
    class: (r) => coding(asObj(r), 'class'),
    type: (r) => codeable(asObj(r), 'type'),
  },
  Condition: {
    code: (r) => codeable(asObj(r), 'code'),
    subject: (r) => reference(asObj(r), 'subject'),
    patient: patientRefs,
    encounter: (r) => reference(asObj(r), 'encounter'),
    'clinical-status': (r) => codeable(asObj(r), 'clinicalStatus'),
    category: (r) => codeable(asObj(r), 'category'),
    'onset-date': (r) => choice(asObj(r), 'onset', ['dateTime', 'Period']),
  },
};

/** The direct extractor of a (type, parameter), if it has one. */
export function fastExtractorOf(type: string, code: string): FastExtractor | undefined {
  return BY_TYPE[type]?.[code] ?? COMMON[code];
}

/** Every (type, parameter) with a fast path, for the contract test and the README. */
export function fastPathParams(): ReadonlyArray<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const [type, params] of Object.entries(BY_TYPE)) {
    for (const code of [...Object.keys(params), ...Object.keys(COMMON)]) out.push([type, code]);
  }
  return out;
}
