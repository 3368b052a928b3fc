import type { JsonResource } from '../../support/json';
import { cohortOperationDefinition, MAX_LISTED_MEMBERS, parseOperationInput } from '../../../src/fhir';
import { routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

const issueOf = (body: JsonResource): { code: string; diagnostics: string; expression?: string[] } =>
  (body.issue as { code: string; diagnostics: string; expression?: string[] }[])[0];

describe('Group/$cohort and Group read', () => {
  let h: RouterHarness;
  beforeAll(async () => {
    h = await routerHarness();
  });

  it('registers a cohort and returns it as an actual Group whose patients are readable', async () => {
    const where = encodeURIComponent(JSON.stringify({ sex: 'female', age_years: { gte: 40, lte: 65 } }));
    const r = await h.get(`Group/$cohort?size=6&seed=11&name=women&where=${where}`);
    expect(r.status).toBe(200);
    const g = r.body as JsonResource & { member: { entity: { reference: string } }[] };
    expect(g).toMatchObject({
      resourceType: 'Group',
      actual: true,
      type: 'person',
      quantity: 6,
      name: 'women',
      characteristic: [
        { code: { text: 'sex' }, valueCodeableConcept: { text: 'female' }, exclude: false },
        { code: { text: 'age_years' }, valueRange: { low: { value: 40 }, high: { value: 65 } }, exclude: false },
      ],
    });
    expect(JSON.stringify(g.meta)).toContain('HTEST');
    expect(r.headers['content-location']).toBe(`Group/${g.id}`);
    expect(g.member).toHaveLength(6);
    for (const m of g.member) {
      const p = await h.get(m.entity.reference);
      expect(p.status).toBe(200);
      expect(p.body.gender).toBe('female');
    }
    // Readable as a Group, and the same inputs name the same cohort (GET, form or Parameters body).
    expect((await h.get(`Group/${g.id}`)).body).toEqual(g);
    const posted = await h.request({
      method: 'POST',
      path: 'Group/$cohort',
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'size', valueInteger: 6 },
          { name: 'seed', valueInteger: 11 },
          { name: 'where', valueString: JSON.stringify({ age_years: { lte: 65, gte: 40 }, sex: ['female'] }) },
        ],
      },
    });
    expect(posted.body.id).toBe(g.id);
  });

  it('lists members only up to MAX_LISTED_MEMBERS', async () => {
    const r = await h.get(`Group/$cohort?size=${MAX_LISTED_MEMBERS + 1}&seed=1`);
    expect(r.body.quantity).toBe(MAX_LISTED_MEMBERS + 1);
    expect(r.body.member).toBeUndefined();
  });

  it.each([
    ['seed=1', 400, 'size', /required/],
    ['size=abc&seed=1', 400, 'size', /integer/],
    ['size=0&seed=1', 400, 'size', /size/],
    ['size=2&seed=1&sized=3', 400, 'sized', /unknown parameter/],
    ['size=2&seed=1&where=%7Bnot json', 400, 'where', /not JSON/],
    ['size=2&seed=1&where=%5B1%5D', 400, 'where', /JSON object/],
    ['size=2&seed=1&where=%7B%22sexx%22%3A%22female%22%7D', 400, undefined, /sexx/],
    ['size=2&seed=1&asOf=2025-13-01', 400, 'asOf', /asOf/],
    ['size=2&seed=1&where=%7B%22sex%22%3A%22none%22%7D', 422, undefined, /No training support/],
  ])('Group/$cohort?%s → %d', async (query, status, expression, message) => {
    const r = await h.get(`Group/$cohort?${query}`);
    expect(r.status).toBe(status);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(issueOf(r.body).expression).toEqual(expression === undefined ? undefined : [expression]);
    expect(issueOf(r.body).diagnostics).toMatch(message);
  });

  it('a POST body that is not Parameters is 400', async () => {
    const r = await h.request({ method: 'POST', path: 'Group/$cohort', body: { resourceType: 'Patient' } });
    expect(r.status).toBe(400);
  });

  it('Group read of an unknown cohort is 404; Group search and writes are not served', async () => {
    expect((await h.get('Group/aaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await h.get('Group')).status).toBe(404);
    expect((await h.request({ method: 'POST', path: 'Group', body: { resourceType: 'Group' } })).status).toBe(405);
  });
});

describe('parseOperationInput', () => {
  const def = cohortOperationDefinition();

  it('parses typed query values and ignores transport parameters', () => {
    expect(parseOperationInput(def, [['size', '3'], ['seed', '0'], ['asOf', '2024-05-06'], ['_format', 'json']], undefined)).toEqual({
      size: 3,
      seed: 0,
      asOf: '2024-05-06',
    });
  });

  it('refuses a repeated single-valued parameter and a wrongly typed Parameters value', () => {
    expect(() => parseOperationInput(def, [['size', '3'], ['size', '4'], ['seed', '1']], undefined)).toThrow(/at most 1/);
    expect(() =>
      parseOperationInput(def, [], { resourceType: 'Parameters', parameter: [{ name: 'size', valueString: '3' }, { name: 'seed', valueInteger: 1 }] }),
    ).toThrow(/valueInteger/);
  });

  // Fuzzing counterexample (test/drills/fuzz-http.test.ts): a null entry in Parameters.parameter was a 500.
  it('fuzz: a Parameters.parameter entry that is null or not an object is a 400 naming it, not a crash', () => {
    for (const entry of [null, 7, 'size', [{ name: 'size' }]]) {
      expect(() => parseOperationInput(def, [], { resourceType: 'Parameters', parameter: [entry] })).toThrow(/Parameters\.parameter must be an object/);
    }
  });
});
