import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ClientError, GraphQLClient, gql } from 'graphql-request';
import request from 'supertest';

import type { App } from '../../src/app';
import { createStubApp } from '../support/stub-app';

/** The project's own API at /graphql (Apollo), driven by a real client from npm (graphql-request). */
describe('own GraphQL API (/graphql)', () => {
  let a: App;
  let server: Server;
  let client: GraphQLClient;
  beforeAll(async () => {
    a = await createStubApp();
    server = createServer(a.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new GraphQLClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await a.close();
  });

  /** The GraphQL errors of a request the client rejected. */
  async function errorsOf(query: string, variables?: Record<string, unknown>): Promise<{ message: string; extensions: Record<string, unknown> }[]> {
    try {
      await client.request(query, variables);
    } catch (e) {
      if (e instanceof ClientError) return e.response.errors as unknown as { message: string; extensions: Record<string, unknown> }[];
      throw e;
    }
    throw new Error('expected GraphQL errors');
  }

  it('describes the default model and every model served', async () => {
    const r = await client.request<{ model: { hash: string; variables: { name: string; kind: string; categories: string[] | null }[] }; models: { hash: string }[] }>(
      gql`{ model { hash name variables { name kind unit categories fhir { system code } } } models { hash } }`,
    );
    expect(r.model.hash).toBe('stubmodel0123456789abcdef');
    expect(r.model.variables.map((v) => [v.name, v.kind, v.categories])).toEqual([
      ['sex', 'categorical', ['female', 'male']],
      ['age_years', 'continuous', null],
    ]);
    expect(r.models).toEqual([{ hash: r.model.hash }]);
    const unknown = await errorsOf('{ model(hash: "nope") { hash } }');
    expect(unknown[0].extensions.code).toBe('NOT_FOUND');
  });

  it('answers support and refuses an unsupported subgroup or an unknown variable with typed errors', async () => {
    const r = await client.request<{ support: { probability: number; effectiveRecords: number } }>(
      gql`query($w: JSON!) { support(where: $w) { probability effectiveRecords } }`,
      { w: { sex: 'female' } },
    );
    expect(r.support).toEqual({ probability: 0.5, effectiveRecords: 500 });
    expect((await errorsOf('{ support(where: {sex: "none"}) { probability } }'))[0].extensions.code).toBe('UNSUPPORTED_SUBGROUP');
    const bad = await errorsOf('{ support(where: {sexx: "female"}) { probability } }');
    expect(bad[0].extensions.code).toBe('UNKNOWN_VARIABLE');
    expect(bad[0].message).toMatch(/sexx/);
    expect((await errorsOf('{ support(where: [1]) { probability } }'))[0].extensions.code).toBe('INVALID_WHERE');
  });

  it('samples n profiles reproducibly, within the configured bound', async () => {
    const q = gql`query($n: Int!) { sample(where: {sex: "male"}, n: $n, seed: 7) }`;
    const one = await client.request<{ sample: { sex: string }[] }>(q, { n: 5 });
    const two = await client.request<{ sample: { sex: string }[] }>(q, { n: 5 });
    expect(one.sample).toHaveLength(5);
    expect(one.sample.every((row) => row.sex === 'male')).toBe(true);
    expect(two).toEqual(one);
    const big = await errorsOf('{ sample(n: 1001, seed: 1) }');
    expect(big[0]).toMatchObject({ extensions: { code: 'INVALID_INPUT', expression: ['n'] } });
  });

  it('createCohort gives the id Group/$cohort gives for the same spec, and lists its patients', async () => {
    const created = await client.request<{ createCohort: { id: string; size: number; where: unknown } }>(
      gql`mutation($spec: CohortSpecInput!) { createCohort(spec: $spec) { id size where } }`,
      { spec: { size: 12, seed: 42, where: { sex: 'female' }, name: 'women' } },
    );
    const rest = await request(a.app).get(`/fhir/Group/$cohort?size=12&seed=42&where=${encodeURIComponent('{"sex":"female"}')}`);
    expect(rest.status).toBe(200);
    expect(created.createCohort).toEqual({ id: rest.body.id, size: 12, where: { sex: 'female' } });

    const id = created.createCohort.id;
    const page = gql`query($id: ID!, $after: String) { cohort(id: $id) { id size group { id quantity }
      patients(first: 5, after: $after) { edges { cursor node { id index weight patient { id gender } } } pageInfo { hasNextPage endCursor } } } }`;
    type Page = { cohort: { group: { id: string; quantity: number }; patients: { edges: { node: { id: string; weight: number; patient: { id: string; gender: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i++) {
      const r: Page = await client.request<Page>(page, { id, after });
      expect(r.cohort.group).toEqual({ id, quantity: 12 });
      for (const e of r.cohort.patients.edges) {
        expect(e.node.patient).toEqual({ id: e.node.id, gender: 'female' });
        expect(e.node.weight).toBe(1);
        seen.push(e.node.id);
      }
      if (!r.cohort.patients.pageInfo.hasNextPage) break;
      after = r.cohort.patients.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `${id}-${i}`));
    const all = await client.request<{ cohorts: { id: string }[] }>(gql`{ cohorts { id } }`);
    expect(all.cohorts.map((c) => c.id)).toEqual(expect.arrayContaining([id, a.defaultCohort.id]));
    expect((await errorsOf('{ cohort(id: "zzzzzzzzzzzzzzzz") { id } }'))[0].extensions.code).toBe('NOT_FOUND');
  });

  it('createCohort takes a balance: the same id, strata and weights as POST /cohorts, on each patient too', async () => {
    const spec = { size: 10, seed: 5, balance: { by: ['sex'], target: 'uniform' } };
    type Created = { createCohort: { id: string; strata: { key: string; count: number; weight: number }[]; patients: { edges: { node: { stratum: string; weight: number } }[] } } };
    const created = await client.request<Created>(
      gql`mutation($spec: CohortSpecInput!) { createCohort(spec: $spec) { id strata { key count weight } patients(first: 10) { edges { node { stratum weight } } } } }`,
      { spec },
    );
    const rest = await request(a.app).post('/cohorts').send(spec);
    expect(rest.status).toBe(201);
    expect(created.createCohort.id).toBe(rest.body.id);
    const restStrata = (rest.body.strata as { key: string; count: number; weight: number }[]).map(({ key, count, weight }) => ({ key, count, weight }));
    expect(created.createCohort.strata).toEqual(restStrata);
    expect(created.createCohort.strata.map((st) => st.count)).toEqual([5, 5]);
    const weightOf = new Map(restStrata.map((st) => [st.key, st.weight]));
    for (const e of created.createCohort.patients.edges) expect(e.node.weight).toBe(weightOf.get(e.node.stratum));
  });

  it('refuses a bad where in createCohort naming the variable, and limits apply', async () => {
    const bad = await errorsOf('mutation { createCohort(spec: {size: 3, seed: 1, where: {sex: "other"}}) { id } }');
    expect(bad[0].extensions.code).toBe('UNKNOWN_CATEGORY');
    expect(bad[0].message).toMatch(/sex/);
    const costly = await errorsOf('{ cohorts { patients(first: 1000) { edges { node { patient { ObservationList(_reference: subject, _count: 1000) { id } } } } } } }');
    expect(costly[0].extensions).toMatchObject({ code: 'TOO_COSTLY', limit: 'maxCost' });
    const syntax = await request(a.app).post('/graphql').send({ query: '{ model {' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].extensions.code).toBe('INVALID_INPUT');
    expect(JSON.stringify(syntax.body)).not.toMatch(/stacktrace|node_modules|\.js:\d+/);
  });

  it('a real client also speaks FHIR GraphQL at /fhir/$graphql (plain JSON responses)', async () => {
    const fhir = new GraphQLClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir/$graphql`);
    const pid = `${a.defaultCohort.id}-1`;
    const r = await fhir.request<{ Patient: { id: string; ConditionList: { id: string }[] } }>(
      gql`query($id: ID!) { Patient(id: $id) { id ConditionList(_reference: subject) { id } } }`,
      { id: pid },
    );
    expect(r.Patient).toEqual({ id: pid, ConditionList: [{ id: `${pid}-c0` }] });
    const raw = await request(a.app).post('/fhir/$graphql').send({ query: '{ PatientList(_count: 1) { id } }' });
    expect(raw.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('supports automatic persisted queries on /graphql (hash first, query once)', async () => {
    const query = '{ models { hash } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ext = { persistedQuery: { version: 1, sha256Hash } };
    const miss = await request(a.app).post('/graphql').send({ extensions: ext });
    expect(miss.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const full = await request(a.app).post('/graphql').send({ query, extensions: ext });
    expect(full.body.data.models).toHaveLength(1);
    const hit = await request(a.app).post('/graphql').send({ extensions: ext });
    expect(hit.body).toEqual(full.body);
  });

  it('serves the offline IDE page to browsers, with nothing loaded from elsewhere', async () => {
    for (const path of ['/graphql', '/fhir/$graphql', `/fhir/cohort/${a.defaultCohort.id}/$graphql`]) {
      const r = await request(a.app).get(path).set('accept', 'text/html,application/xhtml+xml');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.text).toContain('<textarea id="query"');
      expect(r.text).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//);
      expect(r.text).not.toMatch(/https?:\/\/(?!hl7\.org|loinc\.org)/);
    }
  });
});
