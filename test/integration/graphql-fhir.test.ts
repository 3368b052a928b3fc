import fc from 'fast-check';
import request from 'supertest';

import type { App } from '../../src/app';
import type { FhirRepository } from '../../src/fhir';
import { createStubApp } from '../support/stub-app';
import type { MemoryLogger } from '../support/stub-app';
import { createStubEngine } from '../support/stub-engine';
import type { StubEngine } from '../support/stub-engine';

/** A stack frame or a source path in a body means internals leaked to the client. */
function expectNoInternals(body: unknown): void {
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules/);
}

type Gql = { data?: Record<string, unknown> | null; errors?: { message: string; path?: unknown[]; extensions: Record<string, unknown> }[] };

describe('FHIR GraphQL ($graphql) over the stub engine', () => {
  let a: App & { logger: MemoryLogger };
  let engine: StubEngine;
  let pid: string;
  const gql = async (query: string, variables?: unknown, path = '/fhir/$graphql'): Promise<{ status: number; body: Gql }> => {
    const r = await request(a.app).post(path).send({ query, ...(variables !== undefined ? { variables } : {}) });
    return { status: r.status, body: r.body as Gql };
  };
  beforeAll(async () => {
    engine = createStubEngine();
    a = await createStubApp({}, { engine });
    pid = `${a.defaultCohort.id}-4`;
  });
  afterAll(async () => {
    await a.close();
  });

  it('reads a resource with resourceType, choice types and references resolved', async () => {
    const r = await gql(`{ Observation(id: "${pid}-o0") { resourceType id effectiveDateTime valueQuantity { value }
      subject { reference resource { ... on Patient { id gender } } }
      encounter { resource(type: Encounter) { ... on Encounter { period { start } } } }
      patientOnly: subject { resource(type: Encounter) { ... on Encounter { id } } } } }`);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const rest = (await request(a.app).get(`/fhir/Observation/${pid}-o0`)).body;
    const enc = (await request(a.app).get(`/fhir/Encounter/${pid}-e0`)).body;
    const pat = (await request(a.app).get(`/fhir/Patient/${pid}`)).body;
    expect(r.body.data).toEqual({
      Observation: {
        resourceType: 'Observation',
        id: `${pid}-o0`,
        effectiveDateTime: rest.effectiveDateTime,
        valueQuantity: { value: rest.valueQuantity.value },
        subject: { reference: `Patient/${pid}`, resource: { id: pid, gender: pat.gender } },
        encounter: { resource: { period: { start: enc.period.start } } },
        // resource(type:) of another type than the reference's is null, without an error.
        patientOnly: { resource: null },
      },
    });
  });

  it('serves reverse references inside a resource (_reference, filters, _sort, _count)', async () => {
    const r = await gql(`{ Patient(id: "${pid}") { id
      ObservationList(_reference: subject, code: "4548-4", _sort: "-date", _count: 5) { id code { coding { code } } }
      all: ObservationList(_reference: subject, _sort: "code") { id }
      ConditionList(_reference: patient) { id }
      EncounterConnection(_reference: subject) { count edges { resource { id } } } } }`);
    expect(r.body.errors).toBeUndefined();
    const p = r.body.data!.Patient as Record<string, unknown>;
    expect(p.ObservationList).toEqual([{ id: `${pid}-o0`, code: { coding: [{ code: '4548-4' }] } }]);
    const rest = (await request(a.app).get(`/fhir/Observation?subject=Patient/${pid}&_sort=code`)).body;
    expect(p.all).toEqual(rest.entry.map((e: { resource: { id: string } }) => ({ id: e.resource.id })));
    expect(p.ConditionList).toEqual([{ id: `${pid}-c0` }]);
    expect(p.EncounterConnection).toEqual({ count: 1, edges: [{ resource: { id: `${pid}-e0` } }] });
  });

  it('pages a connection with cursors usable in the next call, losing and repeating nothing', async () => {
    const ids: string[] = [];
    let page = await gql('{ PatientConnection(_count: 8, _sort: "birthdate") { count offset pageSize first previous next last edges { mode score resource { id } } } }');
    const firstPage = page.body.data!.PatientConnection as Record<string, unknown>;
    expect(firstPage).toMatchObject({ count: 30, offset: 0, pageSize: 8, previous: null });
    for (let i = 0; i < 10; i++) {
      const c = page.body.data!.PatientConnection as { next: string | null; edges: { mode: string; resource: { id: string } }[] };
      expect(c.edges.every((e) => e.mode === 'match')).toBe(true);
      ids.push(...c.edges.map((e) => e.resource.id));
      if (c.next === null) break;
      page = await gql('query($c: String) { PatientConnection(_cursor: $c) { next previous edges { mode resource { id } } } }', { c: c.next });
      expect(page.body.errors).toBeUndefined();
    }
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    const rest = (await request(a.app).get('/fhir/Patient?_sort=birthdate&_count=30')).body;
    expect(ids).toEqual(rest.entry.map((e: { resource: { id: string } }) => e.resource.id));
    const last = await gql('query($c: String) { PatientConnection(_cursor: $c) { offset edges { resource { id } } } }', { c: firstPage.last });
    expect(last.body.data!.PatientConnection).toMatchObject({ offset: 24 });
  });

  it('filters extensions by url', async () => {
    const r = await gql(`{ Patient(id: "${pid}") { extension(url: "http://example.org/none") { url } meta { tag { code } } } }`);
    expect(r.body).toEqual({ data: { Patient: { extension: null, meta: { tag: [{ code: 'HTEST' }] } } } });
  });

  it('an unknown id is null plus a NOT_FOUND error, and the rest of the query still answers', async () => {
    const r = await gql(`{ Patient(id: "nope-1") { id } ok: Patient(id: "${pid}") { id } }`);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ Patient: null, ok: { id: pid } });
    expect(r.body.errors).toEqual([expect.objectContaining({ path: ['Patient'], extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
  });

  it('search errors carry the REST catalogue code and name the parameter', async () => {
    const bad = await gql('{ PatientList(birthdate: "notadate") { id } }');
    expect(bad.body.data).toEqual({ PatientList: null });
    expect(bad.body.errors![0].extensions.code).toBe('INVALID_SEARCH_PARAMETER');
    const unknown = await gql('{ PatientList(_params: "birthdat=1970") { id } }');
    expect(unknown.body.errors![0].extensions.code).toBe('UNKNOWN_SEARCH_PARAMETER');
    expect(unknown.body.errors![0].message).toMatch(/birthdate/);
    const cursor = await gql('{ PatientConnection(_cursor: "garbage") { count } }');
    expect(cursor.body.errors![0].extensions).toMatchObject({ code: 'INVALID_INPUT', expression: ['_cursor'] });
  });

  it('answers GET ?query= too, and refuses malformed requests with 400 and a code', async () => {
    const g = await request(a.app).get(`/fhir/$graphql?query=${encodeURIComponent(`{ Patient(id: "${pid}") { id } }`)}`);
    expect(g.status).toBe(200);
    expect(g.body).toEqual({ data: { Patient: { id: pid } } });
    for (const body of [{}, { query: '' }, { query: '{ Patient(id: "x") { id }' }, { query: '{ Nope { id } }' }, { query: 'query($id: ID!) { Patient(id: $id) { id } }' }, { query: 42 }]) {
      const r = await request(a.app).post('/fhir/$graphql').send(body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.body.errors[0].extensions.code).toBe('INVALID_INPUT');
      expectNoInternals(r.body);
    }
  });

  it('scopes $graphql to a cohort at /fhir/cohort/<id>/$graphql', async () => {
    const g = await request(a.app).get('/fhir/Group/$cohort?size=5&seed=9');
    const other = g.body.id as string;
    const r = await gql(`{ PatientList { id } Patient(id: "${pid}") { id } }`, undefined, `/fhir/cohort/${other}/$graphql`);
    expect((r.body.data!.PatientList as { id: string }[]).map((p) => p.id)).toEqual([0, 1, 2, 3, 4].map((i) => `${other}-${i}`));
    expect(r.body.data!.Patient).toBeNull();
    expect(r.body.errors![0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses too deep, too wide, too aliased and too costly queries before execution, naming the limit', async () => {
    const deep = `{ Patient(id: "${pid}") { ${'ObservationList(_reference: subject) { subject { resource { ... on Patient { '.repeat(5)} id ${'} } } }'.repeat(5)} } }`;
    const before = engine.calls.generate;
    const cases: [string, string][] = [
      [deep, 'maxDepth'],
      [`{ ${Array.from({ length: 60 }, (_, i) => `a${i}: Patient(id: "${pid}") { id }`).join(' ')} }`, 'maxAliases'],
      ['{ PatientList(_count: 1000) { ObservationList(_reference: subject, _count: 1000) { id status } } }', 'maxCost'],
      ['query($n: Int) { PatientList(_count: $n) { ObservationList(_reference: subject, _count: $n) { id } } }', 'maxCost'],
    ];
    for (const [query, limit] of cases) {
      const r = await gql(query);
      expect({ limit, status: r.status }).toEqual({ limit, status: 400 });
      expect(r.body.errors![0].extensions).toMatchObject({ code: 'TOO_COSTLY', limit });
      expect(r.body.errors![0].message).toMatch(/limit of \d+/);
    }
    const wide = `{ Patient(id: "${pid}") { ${Array.from({ length: 300 }, () => 'id gender birthDate active').join(' ')} } }`;
    const w = await gql(wide);
    expect(w.body.errors![0].extensions).toMatchObject({ code: 'TOO_COSTLY', limit: 'maxFields' });
    expect(engine.calls.generate).toBe(before);
  });

  it('batches: 30 patients with observations, conditions and resolved subjects make one repository search per type and generate each patient once', async () => {
    const fresh = createStubEngine();
    const b = await createStubApp({}, { engine: fresh });
    try {
      // Counts calls on our own repository interface (the one REST uses), around the real one.
      const real = b.graphql.deps.repositoryFor(b.defaultCohort.id);
      const calls = { read: 0, search: 0, searchByReference: [] as number[] };
      const counting: FhirRepository = {
        ...real,
        read: (type, id) => {
          calls.read += 1;
          return real.read(type, id);
        },
        search: (type, params, options) => {
          calls.search += 1;
          return real.search(type, params, options);
        },
        searchByReference: (type, param, ids, params, options) => {
          calls.searchByReference.push(ids.length);
          return real.searchByReference(type, param, ids, params, options);
        },
      };
      const r = await b.graphql.runFhir(counting, {
        query: `{ PatientList(_count: 30) { id
          ObservationList(_reference: subject, _sort: "-date", _count: 20) { id subject { resource { ... on Patient { id } } } }
          ConditionList(_reference: subject) { id subject { resource { ... on Patient { gender } } } } } }`,
      }, []);
      expect(r.body.errors).toBeUndefined();
      const list = (r.body.data as { PatientList: { ObservationList: unknown[]; ConditionList: unknown[] }[] }).PatientList;
      expect(list).toHaveLength(30);
      expect(list.every((p) => p.ObservationList.length === 2 && p.ConditionList.length === 1)).toBe(true);
      // One search for the list, one batched reverse search per type (60 unbatched), and each of
      // the 30 subjects read once although 90 references point at them.
      expect(calls).toEqual({ read: 30, search: 1, searchByReference: [30, 30] });
      expect(fresh.calls.generate).toBe(30);
    } finally {
      await b.close();
    }
  });

  it('advertises $graphql in the CapabilityStatement', async () => {
    const m = await request(a.app).get('/fhir/metadata');
    const ops = m.body.rest[0].operation as { name: string; definition: string }[];
    expect(ops).toContainEqual({ name: 'graphql', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-graphql' });
  });

  it('fuzzed queries, variables and bodies give GraphQL errors, never a 500 or a stack trace', async () => {
    const pieces = ['{', '}', '(', ')', 'Patient', 'PatientList', 'id', ':', '"x"', '$v', '...', 'on', 'query', '@skip', '_count', '1e999', '\\u0000', 'ObservationList', '_reference', 'subject', '#', ','];
    const queryArb = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(queryArb, fc.option(fc.jsonValue(), { nil: undefined }), async (query, variables) => {
        const r = await request(a.app).post('/fhir/$graphql').send({ query, variables });
        expect([200, 400]).toContain(r.status);
        expectNoInternals(r.body);
        // Every answer has data or coded errors (a 400 always has errors).
        const codes = ((r.body.errors ?? []) as { extensions: { code: unknown } }[]).map((e) => typeof e.extensions.code);
        expect(codes.every((t) => t === 'string') && (r.status === 200 || codes.length > 0)).toBe(true);
      }),
      { numRuns: 150, seed: 20261202 },
    );
    expect(a.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
