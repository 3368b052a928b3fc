import type { JsonResource } from '../../../support/json';
import { applyElements, applySummary, SUBSETTED_TAG } from '../../../../src/fhir/search';
import { handCorpus, ids, mimicResources, run } from './helpers';

const hand = handCorpus();
const invalid = (key: string): Error => expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER', expression: [key] }) as Error;

describe('_count, _offset, _total', () => {
  test('defaults, explicit values and clamping with a warning', () => {
    expect(run(hand, 'Patient', '').count).toBe(20);
    expect(run(hand, 'Patient', '_count=5').count).toBe(5);
    expect(run(hand, 'Patient', '_count=0').count).toBe(0);
    const clamped = run(hand, 'Patient', '_count=500');
    expect(clamped.count).toBe(100);
    expect(clamped.warnings).toEqual(['_count=500 exceeds the maximum page size; clamped to 100.']);
    expect(run(hand, 'Patient', '_offset=2').offsetRequested).toBe(2);
  });
  test('all matches are returned for the router to page', () => {
    const r = run(hand, 'Observation', '_count=2');
    expect(r.total).toBe(11);
    expect(r.matches).toHaveLength(11);
  });
  test('_total', () => {
    expect(run(hand, 'Patient', '').totalMode).toBe('accurate');
    expect(run(hand, 'Patient', '_total=none').totalMode).toBe('none');
  });
  test.each(['_count=-1', '_count=abc', '_count=1.5', '_offset=x', '_total=maybe', '_summary=yes', '_count=1&_count=2'])('%s is a 400', (q) => {
    expect(() => run(hand, 'Patient', q, false)).toThrow(invalid(q.split('=')[0]));
  });
  test('empty values are ignored with a warning; _format is the HTTP layer’s', () => {
    const r = run(hand, 'Patient', 'gender=&_format=json');
    expect(r.matches).toHaveLength(3);
    expect(r.warnings).toEqual(['Search parameter "gender" has no value; ignored.']);
  });
});

describe('_sort', () => {
  test('by one key, either direction', () => {
    expect(ids(hand, 'Patient', '_sort=birthdate')).toEqual(['h1', 'h2', 'h3']);
    expect(ids(hand, 'Patient', '_sort=-birthdate')).toEqual(['h3', 'h2', 'h1']);
  });
  test('by several keys', () => {
    expect(ids(hand, 'Patient', '_sort=gender,-birthdate')).toEqual(['h3', 'h1', 'h2']);
    expect(ids(hand, 'Patient', '_sort=-gender,birthdate')).toEqual(['h2', 'h1', 'h3']);
  });
  test('dates by start (Periods too), missing values last in both directions', () => {
    const asc = ['h3-smk', 'h3-o1', 'h1-bp', 'h1-o1', 'h1-o3', 'h3-lmp', 'h3-note', 'h2-glu', 'h2-o1', 'h1-o2', 'grp-o1'];
    expect(ids(hand, 'Observation', '_sort=date')).toEqual(asc);
    const desc = ids(hand, 'Observation', '_sort=-date');
    expect(desc[desc.length - 1]).toBe('grp-o1');
    expect(desc.slice(0, 2)).toEqual(['h1-o2', 'h2-o1']);
  });
  test('ties fall back to id', () => {
    expect(ids(hand, 'Observation', '_sort=status')).toEqual(
      ['grp-o1', 'h1-bp', 'h1-o1', 'h1-o2', 'h1-o3', 'h2-glu', 'h2-o1', 'h3-lmp', 'h3-note', 'h3-o1', 'h3-smk'],
    );
    expect(ids(hand, 'Observation', 'code=4548-4&_sort=value-quantity')).toEqual(['h1-o2', 'grp-o1', 'h1-o1', 'h2-o1', 'h3-o1', 'h1-o3']);
  });
  test.each(['_sort=nope', '_sort=code-value-quantity', '_sort=_text'])('%s is a 400', (q) => {
    expect(() => run(hand, 'Observation', q)).toThrow(invalid('_sort'));
  });
});

describe('_summary and _elements', () => {
  const mimicPatient = mimicResources().find((r) => r.resourceType === 'Patient' && r.text !== undefined)!;
  const snapshot = JSON.stringify(mimicPatient);
  const obs = handCorpus().get('Observation', 'h1-o1')!;

  test('parsed into the result', () => {
    expect(run(hand, 'Patient', '_summary=count').summary).toBe('count');
    expect(run(hand, 'Patient', '_elements=gender,Patient.birthDate,deceased').elements).toEqual(['gender', 'birthDate', 'deceased']);
  });
  test('unknown elements: 400 in strict mode, a warning in lenient mode', () => {
    expect(() => run(hand, 'Patient', '_elements=gendr', true)).toThrow(invalid('_elements'));
    expect(run(hand, 'Patient', '_elements=gendr,gender').warnings[0]).toContain('did you mean "gender"?');
  });
  test('_summary=true keeps summary elements and tags SUBSETTED', () => {
    const s = applySummary(mimicPatient, 'true') as JsonResource & Record<string, unknown>;
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['resourceType', 'id', 'meta', 'identifier', 'name', 'gender', 'birthDate']));
    expect(s.text).toBeUndefined();
    expect(s.extension).toBeUndefined();
    expect(s.maritalStatus).toBeUndefined();
    expect(s.meta?.tag).toContainEqual(SUBSETTED_TAG);
    expect(JSON.stringify(mimicPatient)).toBe(snapshot);
  });
  test('_summary=text keeps text, id, meta and mandatory elements', () => {
    expect(Object.keys(applySummary(mimicPatient, 'text')).sort()).toEqual(['id', 'meta', 'resourceType', 'text']);
    expect(Object.keys(applySummary(obs, 'text')).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status']);
  });
  test('_summary=data drops only the narrative; false returns the resource itself', () => {
    const d = applySummary(mimicPatient, 'data') as JsonResource;
    expect(d.text).toBeUndefined();
    expect(d.extension).toEqual(mimicPatient.extension);
    expect(applySummary(mimicPatient, 'false')).toBe(mimicPatient);
  });
  test('_elements keeps the named elements (choice names too) plus mandatory ones', () => {
    const e = applyElements(obs, ['value']) as JsonResource;
    expect(Object.keys(e).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'valueQuantity']);
    const twice = applyElements(e, ['value']);
    expect(twice.meta?.tag?.filter((t) => t.code === 'SUBSETTED')).toHaveLength(1);
    expect(obs.meta?.tag?.some((t) => t.code === 'SUBSETTED')).toBe(false);
  });
});
