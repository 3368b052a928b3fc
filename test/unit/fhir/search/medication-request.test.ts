/**
 * MedicationRequest is served like the other types: its R4 search parameters (patient, code,
 * status, intent, authoredon, encounter), `_revinclude` from Patient and the FHIRPath ≡ fast-path
 * agreement, over prescriptions generated from real NHANES rows.
 */
import { corpusFromResources, resolveIncludes } from '../../../../src/fhir/search';
import { MEDICATION_CODES, RXNORM } from '../../../../src/generate';
import { asJson } from '../../../support/json';
import { generatedResources, ids, pairs, run } from './helpers';

const resources = generatedResources(120);
const corpus = corpusFromResources(resources);
const meds = resources.filter((r) => r.resourceType === 'MedicationRequest').map(asJson);
const codeOf = (m: (typeof meds)[number]): string =>
  ((m.medicationCodeableConcept as { coding: { code: string }[] }).coding[0]).code;
const subjectOf = (m: (typeof meds)[number]): string => (m.subject as { reference: string }).reference;

describe('MedicationRequest search', () => {
  test('the first 120 NHANES rows give prescriptions of every class, each an active order for a row flag', () => {
    // 120 adults and children of NHANES 2015-2016 include users of all four classes (about 1 in 4
    // adults takes an antihypertensive); fewer would make the per-code checks below vacuous.
    expect(new Set(meds.map(codeOf))).toEqual(new Set(Object.values(MEDICATION_CODES).map((c) => c.code.code)));
    expect(meds.every((m) => m.status === 'active' && m.intent === 'order')).toBe(true);
  });

  test.each(Object.values(MEDICATION_CODES).map((c) => c.code.code))('code=%s finds exactly the prescriptions of that ingredient', (code) => {
    const want = meds.filter((m) => codeOf(m) === code).map((m) => m.id).sort();
    expect(ids(corpus, 'MedicationRequest', `code=${RXNORM}|${code}&_count=1000`).sort()).toEqual(want);
  });

  test('patient, status, intent, authoredon and encounter filter as FHIRPath says, fast paths or not', () => {
    const patient = subjectOf(meds[0]);
    const queries = [
      `patient=${patient}`,
      `subject=${patient}&status=active&intent=order`,
      'status=stopped',
      'authoredon=ge2024-01-01&_count=1000',
      `encounter=${(meds[0].encounter as { reference: string }).reference}`,
      '_sort=-authoredon&_count=5',
    ];
    for (const q of queries) {
      const fast = run(corpus, 'MedicationRequest', q).matches.map((r) => r.id);
      const slow = run(corpus, 'MedicationRequest', q, false, false).matches.map((r) => r.id);
      expect({ q, ids: fast }).toEqual({ q, ids: slow });
    }
    expect(ids(corpus, 'MedicationRequest', `patient=${patient}`)).toEqual(meds.filter((m) => subjectOf(m) === patient).map((m) => m.id));
    expect(run(corpus, 'MedicationRequest', 'status=stopped').total).toBe(0);
  });

  test('Patient?_revinclude=MedicationRequest:patient adds the patient’s prescriptions', () => {
    const patient = subjectOf(meds[0]).replace('Patient/', '');
    const query = `_id=${patient}&_revinclude=MedicationRequest:patient`;
    const r = run(corpus, 'Patient', query);
    expect(r.matches.map((p) => p.id)).toEqual([patient]);
    const included = resolveIncludes(corpus, r.matches, { resourceType: 'Patient', params: pairs(query), strict: false });
    const want = meds.filter((m) => subjectOf(m) === `Patient/${patient}`).map((m) => m.id);
    expect(want.length).toBeGreaterThan(0);
    expect(included.map((m) => m.id)).toEqual(want);
  });
});
