import request from 'supertest';

import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';

/**
 * PARITY: a GraphQL list is the REST searchset — same ids, same order — for every kind of search
 * parameter (token, string, date, reference, quantity, composite, modifiers, chains, _has, _sort,
 * paging), because both go through the one repository and search engine. Real model and generator,
 * so resources have the variety the server really serves.
 */

const INT_ARGS = new Set(['_count', '_offset']);

/** A REST query string as GraphQL arguments: plain parameters named (hyphens → underscores), the rest in _params. */
function graphqlArgs(query: string): string {
  const pairs = [...new URLSearchParams(query)];
  const counts = new Map<string, number>();
  for (const [k] of pairs) counts.set(k, (counts.get(k) ?? 0) + 1);
  const named: string[] = [];
  const raw: [string, string][] = [];
  for (const [k, v] of pairs) {
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && counts.get(k) === 1 && !k.startsWith('_has')) {
      named.push(`${k.replace(/-/g, '_')}: ${INT_ARGS.has(k) ? v : JSON.stringify(v)}`);
    } else raw.push([k, v]);
  }
  if (raw.length > 0) named.push(`_params: ${JSON.stringify(new URLSearchParams(raw).toString())}`);
  return named.join(', ');
}

describe('GraphQL lists equal REST searchsets', () => {
  let a: App;
  let pid: string;
  let combos: [string, string][];
  beforeAll(async () => {
    a = await createApp(testConfig({ defaultCohortSize: 40 }), { logger: memoryLogger() });
    pid = `${a.defaultCohort.id}-3`;
    combos = [
      ['Patient', 'gender=female'],
      ['Patient', 'birthdate=lt1960-01-01'],
      ['Patient', 'birthdate=ge1970&_sort=birthdate'],
      ['Patient', '_sort=-birthdate&_count=7'],
      ['Patient', '_count=5&_offset=10'],
      ['Patient', 'gender=male&birthdate=gt1980'],
      ['Patient', 'family:contains=a'],
      ['Patient', 'name=a&_sort=family'],
      ['Patient', 'gender:not=female'],
      ['Patient', `_id=${pid}`],
      ['Patient', '_has:Observation:subject:code=4548-4'],
      ['Patient', 'birthdate=ge1950&birthdate=lt1990'],
      ['Patient', 'address-state:missing=false&_count=3'],
      ['Observation', 'code=4548-4'],
      ['Observation', 'code=http://loinc.org|4548-4'],
      ['Observation', 'code=4548-4&_sort=-date&_count=5'],
      ['Observation', `subject=Patient/${pid}`],
      ['Observation', `patient=${pid}&_sort=date`],
      ['Observation', 'code=4548-4&value-quantity=gt6'],
      ['Observation', 'date=ge2024-01-01&_count=50'],
      ['Observation', 'category=laboratory&_count=30'],
      ['Observation', 'category=vital-signs&_sort=-date&_count=10'],
      ['Observation', 'subject:Patient.gender=female&code=4548-4'],
      ['Observation', 'code-value-quantity=4548-4$gt6'],
      ['Observation', 'status=final&_count=3&_offset=3'],
      ['Observation', 'code=4548-4,2345-7&_sort=-date'],
      ['Observation', `subject=Patient/${pid}&code:not=4548-4&_sort=code`],
      ['Condition', 'clinical-status=active'],
      ['Condition', `subject=Patient/${pid}`],
      ['Condition', 'onset-date=lt2020&_sort=-onset-date'],
      ['Condition', 'code:text=diabetes'],
      ['Encounter', 'class=AMB'],
      ['Encounter', 'date=ge2024-01-01&_sort=date'],
      ['Encounter', `patient=${pid}`],
      ['Encounter', 'status=finished&_count=4&_offset=8'],
      ['Encounter', 'subject:Patient.birthdate=lt1970&_sort=-date&_count=15'],
    ];
  });
  afterAll(async () => {
    await a.close();
  });

  it('covers at least 30 combinations', () => {
    expect(combos.length).toBeGreaterThanOrEqual(30);
  });

  it('matches for every combination (ids and order), and the connection count is the total', async () => {
    let nonEmpty = 0;
    for (const [type, query] of combos) {
      const rest = await request(a.app).get(`/fhir/${type}?${query}`);
      expect({ query, status: rest.status }).toEqual({ query, status: 200 });
      const restIds = ((rest.body.entry ?? []) as { resource: { id: string } }[]).map((e) => e.resource.id);
      const args = graphqlArgs(query);
      const gql = await request(a.app)
        .post('/fhir/$graphql')
        .send({ query: `{ ${type}List(${args}) { id } ${type}Connection(${args}) { count } }` });
      expect({ query, errors: gql.body.errors }).toEqual({ query, errors: undefined });
      const ids = (gql.body.data[`${type}List`] as { id: string }[]).map((r) => r.id);
      expect({ query, ids }).toEqual({ query, ids: restIds });
      expect({ query, count: gql.body.data[`${type}Connection`].count }).toEqual({ query, count: rest.body.total });
      if (ids.length > 0) nonEmpty += 1;
    }
    // The combinations must actually select something, or equality proves little.
    expect(nonEmpty).toBeGreaterThanOrEqual(combos.length - 3);
  });
});
