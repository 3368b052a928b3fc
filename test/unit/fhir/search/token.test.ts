import type { JsonResource } from '../../../support/json';
import { generatedResources, handCorpus, ids, mimicResources, testCorpus } from './helpers';
import { corpusFromResources } from '../../../../src/fhir/search';

const hand = handCorpus();
const A1C = ['h1-o1', 'h1-o2', 'h2-o1', 'h3-o1', 'h1-o3', 'grp-o1'];

describe('token: code, system|code, |code, system|', () => {
  test('code alone matches any system', () => {
    expect(ids(hand, 'Observation', 'code=4548-4')).toEqual(A1C);
  });
  test('system|code', () => {
    expect(ids(hand, 'Observation', 'code=http://loinc.org|4548-4')).toEqual(A1C);
    expect(ids(hand, 'Observation', 'code=http://snomed.info/sct|4548-4')).toEqual([]);
  });
  test('|code requires no system', () => {
    expect(ids(hand, 'Observation', 'code=|4548-4')).toEqual([]);
  });
  test('system| matches any code of the system', () => {
    expect(ids(hand, 'Observation', 'code=http://snomed.info/sct|')).toEqual([]);
    expect(ids(hand, 'Observation', 'code=http://loinc.org|')).toEqual([...A1C.slice(0, 5), 'h1-bp', 'h2-glu', 'h3-smk', 'grp-o1', 'h3-lmp']);
  });
  test('comma is OR, repetition is AND', () => {
    expect(ids(hand, 'Observation', 'code=2345-7,72166-2')).toEqual(['h2-glu', 'h3-smk']);
    expect(ids(hand, 'Observation', 'code=4548-4&code=2345-7')).toEqual([]);
    expect(ids(hand, 'Observation', 'code=4548-4&subject=h2')).toEqual(['h2-o1']);
  });
  test('codes are case-sensitive', () => {
    expect(ids(hand, 'Condition', 'clinical-status=ACTIVE')).toEqual([]);
    expect(ids(hand, 'Condition', 'clinical-status=active')).toEqual(['h1-c1']);
  });
});

describe('token modifiers', () => {
  test(':not excludes matches and keeps resources without the element', () => {
    expect(ids(hand, 'Observation', 'code:not=4548-4')).toEqual(['h1-bp', 'h2-glu', 'h3-smk', 'h3-note', 'h3-lmp']);
    expect(ids(hand, 'Patient', 'gender:not=male')).toEqual(['h1', 'h3']);
    expect(ids(hand, 'Observation', 'category:not=laboratory')).toEqual(['h1-bp', 'h3-smk', 'h3-note', 'grp-o1', 'h3-lmp']);
  });
  test(':text searches Coding.display and CodeableConcept.text by word start', () => {
    expect(ids(hand, 'Observation', 'code:text=hemo')).toEqual(A1C.slice(0, 5));
    expect(ids(hand, 'Observation', 'code:text=blood')).toEqual([...A1C.slice(0, 5), 'h1-bp']);
    expect(ids(hand, 'Observation', 'code:text=FREE')).toEqual(['h3-note']);
    expect(ids(hand, 'Observation', 'code:text=ree')).toEqual([]);
  });
  test(':missing', () => {
    expect(ids(hand, 'Observation', 'encounter:missing=false')).toEqual(['h1-o3']);
    expect(ids(hand, 'Observation', 'category:missing=true')).toEqual(['h3-note', 'grp-o1', 'h3-lmp']);
    expect(ids(hand, 'Observation', 'value-quantity:missing=true')).toEqual(['h1-bp', 'h3-smk', 'h3-note', 'h3-lmp']);
  });
  test(':of-type matches an Identifier by its type and value', () => {
    const gen = corpusFromResources(generatedResources(3));
    const patient = gen.resources('Patient')[1] as JsonResource & { identifier: { value: string }[] };
    const mrn = patient.identifier[0].value;
    expect(ids(gen, 'Patient', `identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|${mrn}`)).toEqual([patient.id]);
    expect(ids(gen, 'Patient', `identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|SS|${mrn}`)).toEqual([]);
  });
});

describe('token targets: code with implicit system, boolean, Identifier, ContactPoint, id', () => {
  test('a code element carries the system of its required binding', () => {
    expect(ids(hand, 'Patient', 'gender=http://hl7.org/fhir/administrative-gender|female')).toEqual(['h1', 'h3']);
    expect(ids(hand, 'Patient', 'gender=http://example.org/other|female')).toEqual([]);
    expect(ids(hand, 'Observation', 'status=http://hl7.org/fhir/observation-status|final').length).toBe(11);
  });
  test('booleans, including the computed `deceased`', () => {
    expect(ids(hand, 'Patient', 'active=true')).toEqual(['h1']);
    expect(ids(hand, 'Patient', 'deceased=true')).toEqual(['h2']);
    expect(ids(hand, 'Patient', 'deceased=false')).toEqual(['h1', 'h3']);
  });
  test('Identifier system|value on real MIMIC patients', () => {
    const mimic = mimicResources().filter((r) => r.resourceType === 'Patient') as Array<JsonResource & { identifier: { system: string; value: string }[] }>;
    const [p] = mimic;
    const { system, value } = p.identifier[0];
    const c = testCorpus();
    expect(ids(c, 'Patient', `identifier=${system}|${value}`)).toEqual([p.id]);
    expect(ids(c, 'Patient', `identifier=${value}`)).toEqual([p.id]);
    expect(ids(c, 'Patient', `identifier=http://other|${value}`)).toEqual([]);
  });
  test('ContactPoint value, filtered by the expression (phone vs email)', () => {
    expect(ids(hand, 'Patient', 'phone=555-0100')).toEqual(['h3']);
    expect(ids(hand, 'Patient', 'email=ada@example.org')).toEqual(['h3']);
    expect(ids(hand, 'Patient', 'phone=ada@example.org')).toEqual([]);
    expect(ids(hand, 'Patient', 'telecom=ada@example.org')).toEqual(['h3']);
  });
  test('_id and _tag', () => {
    expect(ids(hand, 'Patient', '_id=h3,h1')).toEqual(['h1', 'h3']);
    expect(ids(hand, 'Patient', '_id=nope')).toEqual([]);
    expect(ids(hand, 'Observation', '_id=h1')).toEqual([]);
    expect(ids(testCorpus(), 'Patient', '_tag=http://terminology.hl7.org/CodeSystem/v3-ActReason|HTEST')).toEqual(['h1', 'h2', 'h3']);
  });
  test('escaped separators are literal', () => {
    const c = corpusFromResources([<JsonResource>{ resourceType: 'Patient', id: 'e', identifier: [{ system: 'urn:s', value: 'a,b|c' }] }]);
    expect(ids(c, 'Patient', 'identifier=urn:s|a\\,b\\|c')).toEqual(['e']);
    expect(ids(c, 'Patient', 'identifier=a\\,b\\|c')).toEqual(['e']);
  });
});
