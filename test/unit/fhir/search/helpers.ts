/** Test corpora for the search tests: real MIMIC shapes, hand-written Observations, generated patients. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  corpusFromResources,
  executeSearch,
  type SearchCorpus,
  type SearchOptions,
  type SearchResult,
} from '../../../../src/fhir/search';
import type { Resource } from '../../../../src/fhir/search/types';
import type { JsonResource } from '../../../support/json';
import { allResources, generatePatientRecord } from '../../../../src/generate';
import { computeDerived, defaultSchema, parseCsvTable } from '../../../../src/schema';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** The MIMIC-IV demo subset (ODbL; test/fixtures/mimic/README.md): 30 Patients, their Encounters and Conditions. */
export function mimicResources(): JsonResource[] {
  return ['Patient', 'Encounter', 'Condition'].flatMap((f) =>
    readFileSync(join(ROOT, 'test', 'fixtures', 'mimic', `${f}.ndjson`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as JsonResource),
  );
}

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const META = { lastUpdated: '2024-06-01T00:00:00Z', tag: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST' }] };
const vital = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] };
const lab = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }] };

function obs(id: string, patient: string, body: Record<string, unknown>): JsonResource {
  return { resourceType: 'Observation', id, meta: META, status: 'final', subject: { reference: `Patient/${patient}` }, ...body };
}

/** Hand-written Observations over patients h1..h3 (and one Group subject), each for a search edge case. */
export function handResources(): JsonResource[] {
  const a1c = (id: string, patient: string, value: number, when: string): JsonResource =>
    obs(id, patient, {
      category: [lab],
      code: { coding: [{ system: LOINC, code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }], text: 'HbA1c' },
      effectiveDateTime: when,
      valueQuantity: { value, unit: '%', system: UCUM, code: '%' },
    });
  return [
    { resourceType: 'Patient', id: 'h1', meta: META, gender: 'female', birthDate: '1958-03-14', name: [{ family: 'Müller', given: ['Zoë', 'Anne'] }], address: [{ city: 'Saint-Étienne', postalCode: '42000', country: 'FR' }], active: true },
    { resourceType: 'Patient', id: 'h2', meta: META, gender: 'male', birthDate: '1960', name: [{ family: 'Robert', given: ['Rupert'] }], deceasedDateTime: '2020-05-01T10:00:00+02:00' },
    { resourceType: 'Patient', id: 'h3', meta: { ...META, lastUpdated: '2023-01-01T00:00:00Z' }, gender: 'female', birthDate: '1975-12', name: [{ family: 'Rubin', given: ['Ada'] }], telecom: [{ system: 'phone', value: '555-0100' }, { system: 'email', value: 'ada@example.org' }] },
    { resourceType: 'Encounter', id: 'h1-e1', meta: META, status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: 'Patient/h1' }, period: { start: '2023-01-10T09:00:00Z', end: '2023-01-10T09:30:00Z' } },
    { resourceType: 'Encounter', id: 'h2-e1', meta: META, status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: 'Patient/h2' }, period: { start: '2023-06-01' } },
    a1c('h1-o1', 'h1', 5.4, '2023-01-10T09:15:00Z'),
    a1c('h1-o2', 'h1', 5.35, '2023-07-01'),
    a1c('h2-o1', 'h2', 5.45, '2023-06-02T08:00:00-05:00'),
    a1c('h3-o1', 'h3', 6.5, '2022-12-31T23:30:00-05:00'),
    { ...a1c('h1-o3', 'h1', 7.1, '2023-02-01'), encounter: { reference: 'Encounter/h1-e1' } },
    obs('h1-bp', 'h1', {
      category: [vital],
      code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }] },
      effectivePeriod: { start: '2023-01-10T09:10:00Z', end: '2023-01-10T09:12:00Z' },
      component: [
        { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: { value: 142, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
        { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: { value: 88, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
      ],
    }),
    obs('h2-glu', 'h2', {
      category: [lab],
      code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose' }] },
      effectiveDateTime: '2023-06-02',
      valueQuantity: { value: 126, unit: 'mg/dL', system: UCUM, code: 'mg/dL' },
    }),
    obs('h3-smk', 'h3', {
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }],
      code: { coding: [{ system: LOINC, code: '72166-2', display: 'Tobacco smoking status' }] },
      effectiveDateTime: '2023',
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '449868002', display: 'Current every day smoker' }], text: 'Smokes daily' },
    }),
    obs('h3-note', 'h3', { code: { text: 'Free text note' }, valueString: 'Patient reports Dizziness', effectiveDateTime: '2023-03-03' }),
    { ...obs('grp-o1', 'x', { code: { coding: [{ system: LOINC, code: '4548-4' }] }, valueQuantity: { value: 5.4, unit: '%', system: UCUM, code: '%' } }), subject: { reference: 'Group/g1' } },
    obs('h3-lmp', 'h3', { code: { coding: [{ system: LOINC, code: '8665-2', display: 'Last menstrual period start date' }] }, valueDateTime: '2023-02-14', effectiveDateTime: '2023-03-03' }),
    { resourceType: 'Condition', id: 'h1-c1', meta: META, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' }] }, subject: { reference: 'Patient/h1' }, onsetDateTime: '2015', recordedDate: '2015-06-01' },
    { resourceType: 'Condition', id: 'h2-c1', meta: META, code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] }, subject: { reference: 'Patient/h2' }, onsetAge: { value: 45, unit: 'a', system: UCUM, code: 'a' }, abatementRange: { low: { value: 50, unit: 'a', system: UCUM, code: 'a' } } },
  ].map((r) => JSON.parse(JSON.stringify(r)) as JsonResource);
}

let generatedCache: { n: number; resources: Resource[] } | undefined;

/** Resources of `n` generated patients (profiles: the first n NHANES rows; cohort "t"). */
export function generatedResources(n: number): Resource[] {
  if (generatedCache?.n === n) return generatedCache.resources;
  const schema = defaultSchema();
  const table = parseCsvTable(readFileSync(join(ROOT, 'data', 'nhanes', 'nhanes_2015_2016.csv'), 'utf8'), schema);
  const resources: Resource[] = [];
  for (let index = 0; index < n; index++) {
    const profile = computeDerived(schema, table.rows[index]);
    const record = generatePatientRecord(profile, { schema, modelHash: 'test', cohortId: 't', index, asOf: '2025-01-01', lookbackYears: 3 });
    resources.push(...(allResources(record)));
  }
  generatedCache = { n, resources };
  return resources;
}

/** The hand-written resources alone, as a corpus (dates and names with no MIMIC noise). */
export function handCorpus(): SearchCorpus {
  return corpusFromResources(handResources());
}

/** MIMIC + hand-written resources, as one corpus. */
export function testCorpus(): SearchCorpus {
  return corpusFromResources([...mimicResources(), ...handResources()]);
}

export const OPTIONS: SearchOptions = { defaultCount: 20, maxCount: 100, now: '2025-01-01' };

/** Parses `a=b&c=d` into ordered pairs (values URL-decoded). */
export function pairs(query: string): Array<[string, string]> {
  return query === '' ? [] : [...new URLSearchParams(query).entries()];
}

/** Runs a search and returns the result. */
export function run(corpus: SearchCorpus, type: string, query: string, strict = false, fastPaths = true): SearchResult {
  return executeSearch(corpus, { resourceType: type, params: pairs(query), strict }, { ...OPTIONS, fastPaths });
}

/** Ids of the matches of a search. */
export function ids(corpus: SearchCorpus, type: string, query: string, strict = false): string[] {
  return run(corpus, type, query, strict).matches.map((r) => r.id ?? '');
}
