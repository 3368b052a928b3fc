import type { JsonResource } from '../../../support/json';
import { resolveIncludes } from '../../../../src/fhir/search';
import type { SearchCorpus } from '../../../../src/fhir/search/types';
import { handCorpus, mimicResources, pairs, run, testCorpus } from './helpers';

function included(corpus: SearchCorpus, type: string, query: string, fastPaths = true): string[] {
  const req = { resourceType: type, params: pairs(query), strict: true };
  const page = run(corpus, type, query).matches;
  return resolveIncludes(corpus, page, req, { fastPaths }).map((r) => `${r.resourceType}/${r.id ?? ''}`);
}

const hand = handCorpus();

describe('_include', () => {
  test('follows references from the page, deduplicated, skipping targets outside the corpus', () => {
    expect(included(hand, 'Observation', 'code=4548-4&_include=Observation:subject')).toEqual(['Patient/h1', 'Patient/h2', 'Patient/h3']);
    expect(included(hand, 'Observation', 'code=4548-4&_include=Observation:subject:Group')).toEqual([]);
    expect(included(hand, 'Observation', 'code=4548-4&_include=Observation:encounter')).toEqual(['Encounter/h1-e1']);
  });
  test('* includes every reference parameter', () => {
    expect(included(hand, 'Observation', 'code=4548-4&_include=*').sort()).toEqual(['Encounter/h1-e1', 'Patient/h1', 'Patient/h2', 'Patient/h3']);
  });
  test(':iterate follows from included resources; plain _include does not', () => {
    const mimic = mimicResources();
    const cond = mimic.find((r) => r.resourceType === 'Condition') as JsonResource & { encounter: { reference: string }; subject: { reference: string } };
    const c = testCorpus();
    expect(included(c, 'Condition', `_id=${cond.id}&_include=Condition:encounter&_include:iterate=Encounter:subject`)).toEqual([
      cond.encounter.reference,
      cond.subject.reference,
    ]);
    expect(included(c, 'Condition', `_id=${cond.id}&_include=Condition:encounter&_include=Encounter:subject`)).toEqual([cond.encounter.reference]);
  });
  test('page resources are never included again', () => {
    expect(included(hand, 'Patient', '_id=h1&_revinclude=Observation:subject&_include:iterate=Observation:subject')).toEqual(
      ['Observation/h1-o1', 'Observation/h1-o2', 'Observation/h1-o3', 'Observation/h1-bp'],
    );
  });
});

describe('_revinclude', () => {
  test('finds resources referring to the page, in corpus order, fast or not', () => {
    for (const fast of [true, false]) {
      expect(included(hand, 'Patient', '_id=h1&_revinclude=Observation:subject', fast)).toEqual(
        ['Observation/h1-o1', 'Observation/h1-o2', 'Observation/h1-o3', 'Observation/h1-bp'],
      );
      expect(included(hand, 'Patient', '_id=h1,h2&_revinclude=Condition:patient', fast)).toEqual(['Condition/h1-c1', 'Condition/h2-c1']);
    }
  });
  test(':iterate', () => {
    expect(included(hand, 'Patient', '_id=h1&_revinclude=Encounter:subject&_revinclude:iterate=Observation:encounter')).toEqual(
      ['Encounter/h1-e1', 'Observation/h1-o3'],
    );
  });
  test('too many included resources is a 400 too-costly, never a silent cut', () => {
    const req = { resourceType: 'Patient', params: pairs('_id=h1&_revinclude=Observation:subject'), strict: true };
    const page = run(hand, 'Patient', '_id=h1').matches;
    expect(() => resolveIncludes(hand, page, req, { maxIncludes: 2 })).toThrow(expect.objectContaining({ code: 'TOO_COSTLY' }));
  });
});

describe('malformed includes are 400s (in executeSearch, before any paging)', () => {
  test.each([
    '_include=Observation:code',
    '_include=Foo:bar',
    '_include=Observation',
    '_include:deep=Observation:subject',
    '_include=Observation:subject:Practitioner',
    '_revinclude=Observation:nope',
  ])('%s', (q) => {
    expect(() => run(hand, 'Observation', q)).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH_PARAMETER' }));
  });
  test('valid specs are reported in the result', () => {
    expect(run(hand, 'Observation', '_include:iterate=Observation:subject:Patient').includes).toEqual([
      { reverse: false, iterate: true, sourceType: 'Observation', param: 'subject', targetType: 'Patient' },
    ]);
  });
});
