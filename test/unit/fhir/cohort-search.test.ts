/**
 * Browsing a cohort needs nothing built (issue 11 §3): on a 200,000-patient cohort (the stub
 * engine: a Patient, an Encounter, two Observations and a Condition per patient), Patient paging
 * and counts are arithmetic, other types are walked patient by patient with a stateless cursor,
 * and what would cost a whole cohort is refused naming its limit. Then the compact index's life:
 * 503 + Retry-After while a large cohort's index builds, answers once it is built.
 */
import { createFhirRouter, CorpusProvider } from '../../../src/fhir';
import type { FhirContext } from '../../../src/fhir';
import { jsonResponse } from '../../support/json';
import type { JsonResponse } from '../../support/json';
import { BASE_URL, entriesOf, linkOf, relative, routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

const SIZE = 200_000;

describe('a 200,000-patient cohort is browsable without building anything', () => {
  let h: RouterHarness;
  const id = (i: number, suffix = ''): string => `${h.cohort.id}-${i}${suffix}`;
  beforeAll(async () => {
    h = await routerHarness(SIZE);
  });

  test('Patient?_count=5&_offset=150000: the patients at those indexes, total N, links by offset', async () => {
    const before = h.engine.calls.generate;
    const r = await h.get('Patient?_count=5&_offset=150000');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(SIZE);
    expect(entriesOf(r.body, 'match').map((p) => p.id)).toEqual([150000, 150001, 150002, 150003, 150004].map((i) => id(i)));
    expect(linkOf(r.body, 'next')).toBe(`${BASE_URL}/Patient?_count=5&_offset=150005`);
    expect(linkOf(r.body, 'last')).toBe(`${BASE_URL}/Patient?_count=5&_offset=199995`);
    expect(h.engine.calls.generate - before).toBe(5);
    expect(h.context.corpora.hasIndex(h.cohort.id)).toBe(false);
  });

  test('Patient?_summary=count and _total=accurate: the cohort size, nothing generated', async () => {
    const before = h.engine.calls.generate;
    const count = await h.get('Patient?_summary=count');
    expect(count.body.total).toBe(SIZE);
    expect(count.body.entry).toBeUndefined();
    const accurate = await h.get('Patient?_total=accurate&_count=0');
    expect(accurate.body.total).toBe(SIZE);
    expect(h.engine.calls.generate - before).toBe(0);
  });

  test('Observation?_count=3: corpus order, no total, a next cursor that continues exactly', async () => {
    const first = await h.get('Observation?_count=3');
    expect(first.status).toBe(200);
    expect(first.body.total).toBeUndefined();
    expect(entriesOf(first.body, 'match').map((o) => o.id)).toEqual([id(0, '-o0'), id(0, '-o1'), id(1, '-o0')]);
    const next = linkOf(first.body, 'next');
    expect(next).toContain('_cursor=');
    expect(linkOf(first.body, 'last')).toBeUndefined();
    const before = h.engine.calls.generate;
    const second = await h.get(relative(next!));
    expect(entriesOf(second.body, 'match').map((o) => o.id)).toEqual([id(1, '-o1'), id(2, '-o0'), id(2, '-o1')]);
    // One page of work: the patients on the page, not the ones before it.
    expect(h.engine.calls.generate - before).toBeLessThanOrEqual(2);
    const offset = await h.get('Observation?_count=3&_offset=3');
    expect(entriesOf(offset.body, 'match').map((o) => o.id)).toEqual(entriesOf(second.body, 'match').map((o) => o.id));
  });

  test('what would walk or index the whole cohort is a 400 too-costly naming the limit', async () => {
    const far = await h.get('Observation?_count=2&_offset=150000');
    expect(far.status).toBe(400);
    expect(JSON.stringify(far.body)).toContain('1000 patients');
    expect(JSON.stringify(far.body)).toContain('_offset');
    const total = await h.get('Observation?_summary=count');
    expect(total.status).toBe(400);
    expect(JSON.stringify(total.body)).toContain('SYNTHFHIR_MAX_UNSCOPED_PATIENTS');
    const criteria = await h.get('Observation?code=4548-4');
    expect(criteria.status).toBe(400);
    const bad = await h.get('Observation?_cursor=not-a-cursor!');
    expect(bad.status).toBe(400);
  });
});

describe('the compact index of a large cohort builds in the background', () => {
  test('503 + Retry-After while building, then the answer; the build is logged with its progress', async () => {
    const h = await routerHarness(20);
    const cohort = await h.cohorts.register({ size: 600, seed: 5 });
    const corpora = new CorpusProvider(h.cohorts, { waitPatients: 100, logger: h.logger });
    const context: FhirContext = { ...h.context, corpora };
    const router = createFhirRouter(context);
    const get = async (q: string): Promise<JsonResponse> => {
      const [path, query] = q.split('?');
      return jsonResponse(await router.handle({ method: 'GET', path, query: [...new URLSearchParams(query)], headers: {}, baseUrl: BASE_URL }));
    };
    const early = await get(`cohort/${cohort.id}/Observation?code=4548-4&_count=2`);
    expect(early.status).toBe(503);
    expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(early.body)).toContain('being built');
    // Browsing does not wait for the index.
    expect((await get(`cohort/${cohort.id}/Patient?_count=2&_offset=590`)).status).toBe(200);
    const index = await corpora.compactIndex(cohort);
    expect(index.patients).toBe(600);
    const late = await get(`cohort/${cohort.id}/Observation?code=4548-4&_count=2&_sort=-date`);
    expect(late.status).toBe(200);
    expect(late.body.total).toBe(600);
    expect(h.logger.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['search index build started', 'search index built']));
    expect(corpora.indexCacheStats()).toMatchObject({ entries: 1, bytes: index.bytes });
  });
});
