import type { JsonResource } from '../../../support/json';
import { handCorpus, ids, mimicResources, run, testCorpus } from './helpers';
import { corpusFromResources } from '../../../../src/fhir/search';

const hand = handCorpus();
const H1_OBS = ['h1-o1', 'h1-o2', 'h1-o3', 'h1-bp'];

describe('reference', () => {
  test('Type/id, id, absolute URL and :Type all name the same target', () => {
    expect(ids(hand, 'Observation', 'subject=Patient/h1')).toEqual(H1_OBS);
    expect(ids(hand, 'Observation', 'subject=h1')).toEqual(H1_OBS);
    expect(ids(hand, 'Observation', 'subject=http://example.org/fhir/Patient/h1')).toEqual(H1_OBS);
    expect(ids(hand, 'Observation', 'subject:Patient=h1')).toEqual(H1_OBS);
    expect(ids(hand, 'Observation', 'patient=h1')).toEqual(H1_OBS);
  });
  test('patient only follows references to Patients (resolve() is Patient)', () => {
    expect(ids(hand, 'Observation', 'subject=Group/g1')).toEqual(['grp-o1']);
    expect(ids(hand, 'Observation', 'subject:Group=g1')).toEqual(['grp-o1']);
    expect(ids(hand, 'Observation', 'patient=g1')).toEqual([]);
    expect(ids(hand, 'Observation', 'patient:missing=true')).toEqual(['grp-o1']);
  });
  test('encounter, :missing, a valid type that matches nothing', () => {
    expect(ids(hand, 'Observation', 'encounter=Encounter/h1-e1')).toEqual(['h1-o3']);
    expect(ids(hand, 'Observation', 'encounter:missing=false')).toEqual(['h1-o3']);
    expect(ids(hand, 'Observation', 'subject:Device=h1')).toEqual([]);
  });
  test('real MIMIC partOf links ICU stays to their admissions', () => {
    const icu = mimicResources().find((r) => r.resourceType === 'Encounter' && r.partOf !== undefined) as JsonResource & {
      partOf: { reference: string };
    };
    expect(ids(testCorpus(), 'Encounter', `part-of=${icu.partOf.reference}`)).toContain(icu.id);
  });
  test('a type modifier the parameter cannot refer to, and bad references, are 400s', () => {
    expect(() => run(hand, 'Observation', 'subject:Practitioner=x')).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
    expect(() => run(hand, 'Observation', 'subject:Patient=Group/g1')).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
    expect(() => run(hand, 'Observation', 'subject=not a reference')).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
  });
});

describe('chained parameters', () => {
  test('one level, with and without a type modifier', () => {
    expect(ids(hand, 'Observation', 'subject:Patient.gender=female')).toEqual(['h1-o1', 'h1-o2', 'h3-o1', 'h1-o3', 'h1-bp', 'h3-smk', 'h3-note', 'h3-lmp']);
    expect(ids(hand, 'Observation', 'patient.birthdate=lt1960')).toEqual(H1_OBS);
    expect(ids(hand, 'Observation', 'subject.name=rubin')).toEqual(['h3-o1', 'h3-smk', 'h3-note', 'h3-lmp']);
    expect(ids(hand, 'Condition', 'subject:Patient.gender=male')).toEqual(['h2-c1']);
  });
  test('two levels', () => {
    expect(ids(hand, 'Observation', 'encounter.subject:Patient.gender=female')).toEqual(['h1-o3']);
    expect(ids(hand, 'Observation', 'encounter.patient.name=müller')).toEqual(['h1-o3']);
    expect(ids(hand, 'Observation', 'encounter.patient.name=rubin')).toEqual([]);
  });
  test('combined with other criteria (AND)', () => {
    expect(ids(hand, 'Observation', 'patient.gender=female&code=4548-4&value-quantity=gt6')).toEqual(['h3-o1', 'h1-o3']);
  });
  test('an unknown inner parameter follows strict/lenient rules', () => {
    expect(() => run(hand, 'Observation', 'patient.birthdat=1958', true)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SEARCH_PARAMETER', expression: ['patient.birthdat'] }),
    );
    const lenient = run(hand, 'Observation', 'patient.birthdat=1958&code=2345-7');
    expect(lenient.matches.map((r) => r.id)).toEqual(['h2-glu']);
    expect(lenient.warnings[0]).toContain('"birthdat"');
  });
  test('only references chain; unreachable targets are 400s', () => {
    expect(() => run(hand, 'Observation', 'code.text=x')).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
    expect(() => run(hand, 'Observation', 'specimen.type=x')).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
  });
});

describe('reverse chaining (_has)', () => {
  test('patients having an observation of a code', () => {
    expect(ids(hand, 'Patient', '_has:Observation:patient:code=4548-4')).toEqual(['h1', 'h2', 'h3']);
    expect(ids(hand, 'Patient', '_has:Observation:subject:code=2345-7')).toEqual(['h2']);
    expect(ids(hand, 'Patient', '_has:Condition:patient:code=44054006')).toEqual(['h1']);
    expect(ids(hand, 'Patient', '_has:Observation:patient:value-quantity=gt7')).toEqual(['h1', 'h2']);
  });
  test('nested _has', () => {
    expect(ids(hand, 'Patient', '_has:Encounter:patient:_has:Observation:encounter:code=4548-4')).toEqual(['h1']);
    expect(ids(hand, 'Patient', '_has:Encounter:patient:_has:Observation:encounter:code=2345-7')).toEqual([]);
  });
  test('malformed _has are 400s', () => {
    for (const q of ['_has:Foo:patient:code=x', '_has:Observation:code:code=x', '_has:Observation:patient=x', '_has:Observation:encounter:code=x']) {
      expect(() => run(hand, 'Patient', q)).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
    }
  });
});

describe('reference :identifier and uri parameters', () => {
  const c = corpusFromResources(<JsonResource[]>[
    { resourceType: 'Observation', id: 'p1', status: 'final', code: { text: 'x' }, performer: [{ identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' } }], meta: { profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab'], source: 'urn:uuid:5e3f' } },
    { resourceType: 'Observation', id: 'p2', status: 'final', code: { text: 'x' }, performer: [{ reference: 'Practitioner/9' }], meta: { profile: ['http://example.org/StructureDefinition/other'] } },
  ]);
  test(':identifier matches Reference.identifier as a token', () => {
    expect(ids(c, 'Observation', 'performer:identifier=http://hl7.org/fhir/sid/us-npi|1234567893')).toEqual(['p1']);
    expect(ids(c, 'Observation', 'performer:identifier=1234567893')).toEqual(['p1']);
    expect(ids(c, 'Observation', 'performer:identifier=http://other|1234567893')).toEqual([]);
    expect(ids(c, 'Observation', 'performer=Practitioner/9')).toEqual(['p2']);
  });
  test('uri: exact, :below (prefix of the value), :above (value is a prefix of the search)', () => {
    expect(ids(c, 'Observation', '_profile=http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab')).toEqual(['p1']);
    expect(ids(c, 'Observation', '_profile=http://hl7.org/fhir/us/core/StructureDefinition')).toEqual([]);
    expect(ids(c, 'Observation', '_profile:below=http://hl7.org/fhir/us/core/')).toEqual(['p1']);
    expect(ids(c, 'Observation', '_profile:above=http://example.org/StructureDefinition/other/v2')).toEqual(['p2']);
    expect(ids(c, 'Observation', '_source=urn:uuid:5e3f')).toEqual(['p1']);
    expect(ids(c, 'Observation', '_source:missing=true')).toEqual(['p2']);
  });
});
