import type { Handler, Route } from '../../../src/fhir';
import { compareSpecificity, createFhirRouter, DEFAULT_ROUTES } from '../../../src/fhir';
import { BASE_URL, routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

/** A handler that answers with the route's name, so a test sees which route won. */
const named = (name: string): Handler => () =>
  Promise.resolve({ status: 200, headers: {}, body: { resourceType: 'Basic', id: name } });

const EXTRA: readonly Route[] = [
  { method: 'GET', pattern: ['Patient', '$export'], handler: named('patient-export') },
  { method: 'GET', pattern: ['Group', ':id', '$export'], handler: named('group-export') },
  { method: 'GET', pattern: [':type', ':id', '$everything'], handler: named('type-everything') },
  { method: 'GET', pattern: ['$graphql'], handler: named('graphql') },
  { method: 'GET', pattern: [':type', ':id'], handler: named('read') },
  { method: 'GET', pattern: [':type'], handler: named('search') },
];

/** Every permutation of a small list (6 routes: 720 orders). */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('route specificity', () => {
  let h: RouterHarness;
  beforeAll(async () => {
    h = await routerHarness(5);
  });

  test('literal segments beat parameters, :type beats a free parameter, whatever the order routes were added in', async () => {
    const expectations: ReadonlyArray<readonly [string, string]> = [
      ['Patient/$export', 'patient-export'],
      ['Group/abc/$export', 'group-export'],
      ['Patient/abc/$everything', 'type-everything'],
      ['$graphql', 'graphql'],
      ['Patient/abc', 'read'],
      ['Observation', 'search'],
    ];
    const orders = permutations(EXTRA);
    expect(orders).toHaveLength(720);
    for (const order of orders) {
      // Half the routes at construction, the rest added later: both paths must sort.
      const router = createFhirRouter(routerContext(h), order.slice(0, 3));
      for (const r of order.slice(3)) router.addRoute(r);
      for (const [path, winner] of expectations) {
        const res = await router.handle({ method: 'GET', path, query: [], headers: {}, baseUrl: BASE_URL });
        expect({ path, id: res.body.id }).toEqual({ path, id: winner });
      }
    }
  });

  test('compareSpecificity orders segment by segment', () => {
    const r = (...pattern: string[]): Route => ({ method: 'GET', pattern, handler: named('x') });
    expect(compareSpecificity(r('Patient', '$export'), r(':type', ':id'))).toBeLessThan(0);
    expect(compareSpecificity(r(':type', ':id'), r('Group', ':id'))).toBeGreaterThan(0);
    expect(compareSpecificity(r(':type', ':id'), r(':other', ':id'))).toBeLessThan(0);
    expect(compareSpecificity(r(':type', ':id'), r(':type', ':id'))).toBe(0);
  });

  test('the default table still answers reads, searches and Group/$cohort, with a literal route added last', async () => {
    const router = createFhirRouter(routerContext(h), DEFAULT_ROUTES);
    router.addRoute({ method: 'GET', pattern: ['Patient', '$x-custom'], handler: named('patient-custom') });
    const get = (path: string): ReturnType<typeof router.handle> =>
      router.handle({ method: 'GET', path, query: [], headers: {}, baseUrl: BASE_URL });
    expect((await get('Patient/$x-custom')).body.id).toBe('patient-custom');
    expect((await get(`Patient/${h.cohort.id}-1`)).body).toMatchObject({ resourceType: 'Patient', id: `${h.cohort.id}-1` });
    expect((await get('Patient')).body).toMatchObject({ resourceType: 'Bundle', total: 5 });
  });
});

/** The harness router's context, rebuilt (the router does not expose it). */
function routerContext(h: RouterHarness): Parameters<typeof createFhirRouter>[0] {
  return h.context;
}
