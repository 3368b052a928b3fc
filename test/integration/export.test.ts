import request from 'supertest';

import type { App } from '../../src/app';
import { createStubApp } from '../support/stub-app';
import { createStubEngine } from '../support/stub-engine';

// Bulk Data $export end to end over plain HTTP (supertest), on the stub engine: 5 resources per
// patient (Patient, Encounter, 2 Observations, Condition).
const BASE = 'http://export.test/fhir';
const ASYNC = { Prefer: 'respond-async' };
const PER_FILE = 7;
const SIZE = 30;

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string }[];
  error: unknown[];
}

const pathOf = (url: string): string => new URL(url).pathname + new URL(url).search;

async function kickOff(app: App, path: string, headers: Record<string, string> = ASYNC): Promise<request.Response> {
  return request(app.app).get(path).set(headers);
}

/** Kick-off → 202 status → 200 manifest. */
async function runExport(app: App, path: string): Promise<{ status: string; manifest: Manifest; manifestText: string }> {
  const k = await kickOff(app, path);
  expect(k.status).toBe(202);
  const status = pathOf(String(k.headers['content-location']));
  const first = await request(app.app).get(status);
  expect(first.status).toBe(202);
  const done = await request(app.app).get(status);
  expect(done.status).toBe(200);
  return { status, manifest: JSON.parse(done.text) as Manifest, manifestText: done.text };
}

async function fetchFile(app: App, url: string): Promise<request.Response> {
  return request(app.app).get(pathOf(url)).set('Accept', 'application/fhir+ndjson').buffer(true).parse((res, cb) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => cb(null, text));
  });
}

const linesOf = (body: unknown): Record<string, unknown>[] =>
  (body as string).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('$export (Bulk Data 2.0) over HTTP', () => {
  let app: App;
  let other: App;

  beforeAll(async () => {
    const config = { defaultCohortSize: SIZE, baseUrl: BASE, exportPatientsPerFile: PER_FILE, exportMaxJobsPerClient: 50 };
    app = await createStubApp(config);
    other = await createStubApp(config);
  });
  afterAll(async () => {
    await app?.close();
    await other?.close();
  });

  it('kick-off without Prefer: respond-async is 400 naming the header', async () => {
    const r = await kickOff(app, '/fhir/$export', {});
    expect(r.status).toBe(400);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(r.body.issue[0].diagnostics).toMatch(/Prefer: respond-async/);
  });

  it.each([
    ['_elements=id', '_elements'],
    ['patient=Patient/x', 'patient'],
    ['includeAssociatedData=LatestProvenanceResources', 'includeAssociatedData'],
    ['_typeFilter=Observation%3Fcode%3D1', '_typeFilter'],
    ['_count=5', '_count'],
  ])('an unsupported parameter (%s) is a 400 OperationOutcome naming it', async (query, name) => {
    const r = await kickOff(app, `/fhir/$export?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(r.body.issue[0].diagnostics).toContain(`"${name}"`);
  });

  it('a bad _type, _outputFormat or _since is a 400 naming the value', async () => {
    const t = await kickOff(app, '/fhir/$export?_type=Patient,Medication');
    expect(t.status).toBe(400);
    expect(t.body.issue[0].diagnostics).toContain('"Medication"');
    const f = await kickOff(app, '/fhir/$export?_outputFormat=text/csv');
    expect(f.status).toBe(400);
    expect(f.body.issue[0].diagnostics).toContain('text/csv');
    const s = await kickOff(app, '/fhir/$export?_since=yesterday');
    expect(s.status).toBe(400);
  });

  it('exports every resource of the default cohort: manifest, partitions, valid NDJSON of one type per file', async () => {
    const { manifest } = await runExport(app, '/fhir/$export');
    expect(manifest.transactionTime).toBe('2025-01-01T00:00:00Z');
    expect(manifest.request).toBe(`${BASE}/$export`);
    expect(manifest.requiresAccessToken).toBe(false);
    expect(manifest.error).toEqual([]);
    const parts = Math.ceil(SIZE / PER_FILE);
    expect(manifest.output).toHaveLength(5 * parts);
    // Partition by partition, the Observations first.
    expect(manifest.output.map((o) => o.type)).toEqual(
      Array.from({ length: parts }, () => ['Observation', 'Patient', 'Encounter', 'Condition', 'MedicationRequest']).flat(),
    );
    expect(manifest.output.map((o) => o.url.split('/').pop())).toEqual(
      Array.from({ length: parts }, (_, p) => ['Observation', 'Patient', 'Encounter', 'Condition', 'MedicationRequest'].map((t) => `${t}-${p}.ndjson`)).flat(),
    );
    const byType = new Map<string, Record<string, unknown>[]>();
    for (const o of manifest.output) {
      expect(o.url.startsWith(`${BASE}/$export-file/`)).toBe(true);
      const r = await fetchFile(app, o.url);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/fhir+ndjson');
      expect(r.headers['content-length']).toBeUndefined();
      expect((r.body as string).endsWith('\n')).toBe(true);
      const lines = linesOf(r.body);
      for (const l of lines) expect(l.resourceType).toBe(o.type);
      byType.set(o.type, [...(byType.get(o.type) ?? []), ...lines]);
    }
    const patients = (byType.get('Patient') ?? []).map((p) => p.id);
    expect(patients).toEqual(Array.from({ length: SIZE }, (_, i) => `${app.defaultCohort.id}-${i}`));
    expect(byType.get('Observation')).toHaveLength(2 * SIZE);
    expect(byType.get('Encounter')).toHaveLength(SIZE);
    // The same resources as the REST API serves.
    const read = await request(app.app).get(`/fhir/Observation/${String(byType.get('Observation')?.[3]?.id)}`);
    expect(read.body).toEqual(byType.get('Observation')?.[3]);
  });

  it('is idempotent and byte-identical: same job id, manifest and files on a rerun and on another replica', async () => {
    const a = await kickOff(app, '/fhir/$export?_type=Observation,Patient');
    const again = await kickOff(app, '/fhir/$export?_type=Patient&_type=Observation');
    expect(again.headers['content-location']).toBe(a.headers['content-location']);
    const onA = await runExport(app, '/fhir/$export?_type=Patient,Observation');
    const onB = await runExport(other, '/fhir/$export?_type=Patient,Observation');
    expect(onB.status).toBe(onA.status);
    expect(onA.manifest.output.map((o) => o.type)).toEqual(Array.from({ length: 5 }, () => ['Observation', 'Patient']).flat());
    for (const o of onA.manifest.output) {
      const x = await fetchFile(app, o.url);
      const y = await fetchFile(other, o.url);
      expect(y.body).toBe(x.body);
      expect((await fetchFile(app, o.url)).body).toBe(x.body);
    }
  });

  it('honours _outputFormat and _since (after the cohort asOf: nothing; before: everything)', async () => {
    const nd = await runExport(app, '/fhir/$export?_type=Condition&_outputFormat=application/ndjson');
    const file = await fetchFile(app, nd.manifest.output[0].url);
    expect(file.headers['content-type']).toBe('application/ndjson');
    const late = await runExport(app, '/fhir/$export?_since=2025-01-01T00:00:00Z');
    expect(late.manifest.output).toEqual([]);
    const early = await runExport(app, '/fhir/$export?_type=Patient&_since=2024-12-31T23:59:59Z');
    expect(linesOf((await fetchFile(app, early.manifest.output[0].url)).body)).toHaveLength(PER_FILE);
  });

  it('exports one cohort: Group/<id>/$export and the cohort base /fhir/cohort/<id>/$export agree', async () => {
    const cohort = await app.cohorts.register({ size: 9, seed: 77 });
    const group = await runExport(app, `/fhir/Group/${cohort.id}/$export?_type=Patient`);
    const scoped = await runExport(app, `/fhir/cohort/${cohort.id}/$export?_type=Patient`);
    expect(scoped.manifest.output[0].url.startsWith(`${BASE}/cohort/${cohort.id}/$export-file/`)).toBe(true);
    const g = linesOf((await fetchFile(app, group.manifest.output[0].url)).body);
    const s = linesOf((await fetchFile(app, scoped.manifest.output[0].url)).body);
    expect(g.map((p) => p.id)).toEqual(Array.from({ length: PER_FILE }, (_, i) => `${cohort.id}-${i}`));
    expect(s).toEqual(g);
    expect((await kickOff(app, `/fhir/cohort/${cohort.id}/Group/${app.defaultCohort.id}/$export`)).status).toBe(404);
    expect((await kickOff(app, '/fhir/Group/aaaaaaaaaaaaaaaa/$export')).status).toBe(404);
    // A job is visible only under its own cohort's base.
    const jobId = group.status.split('/').pop() ?? '';
    expect((await request(app.app).get(`/fhir/cohort/${cohort.id}/$export-status/${jobId}`)).status).toBe(200);
    const defaultJob = (await runExport(app, '/fhir/$export?_type=Encounter')).status.split('/').pop() ?? '';
    expect((await request(app.app).get(`/fhir/cohort/${cohort.id}/$export-status/${defaultJob}`)).status).toBe(404);
  });

  it('DELETE cancels: 202, then the status URL and the files are 404', async () => {
    const { status, manifest } = await runExport(app, '/fhir/Patient/$export?_type=Encounter');
    const del = await request(app.app).delete(status);
    expect(del.status).toBe(202);
    expect((await request(app.app).get(status)).status).toBe(404);
    expect((await request(app.app).delete(status)).status).toBe(404);
    expect((await fetchFile(app, manifest.output[0].url)).status).toBe(404);
  });

  it('404s a file the job does not have', async () => {
    const { manifest } = await runExport(app, '/fhir/$export?_type=Patient');
    const url = manifest.output[0].url;
    for (const bad of ['Observation-0.ndjson', 'Patient-5.ndjson', 'Patient-0.json', 'x']) {
      expect((await fetchFile(app, url.replace(/[^/]+$/, bad))).status).toBe(404);
    }
  });

  it('is advertised in the CapabilityStatement at system, Patient and Group level', async () => {
    interface Rest {
      operation: unknown[];
      resource: { type: string; operation: unknown[] }[];
    }
    const rest = ((await request(app.app).get('/fhir/metadata')).body as { rest: Rest[] }).rest[0];
    expect(rest.operation).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' });
    const ops = (type: string): unknown[] => rest.resource.find((r) => r.type === type)?.operation ?? [];
    expect(ops('Patient')).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' });
    expect(ops('Group')).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' });
  });
});

describe('$export per-client limit', () => {
  it('refuses a client more than its limit of live jobs with 429 naming it; a DELETE frees a slot', async () => {
    const app = await createStubApp({ defaultCohortSize: 5, exportMaxJobsPerClient: 2 });
    try {
      const a = await kickOff(app, '/fhir/$export?_type=Patient');
      const b = await kickOff(app, '/fhir/$export?_type=Encounter');
      expect([a.status, b.status]).toEqual([202, 202]);
      // The same request again is the same job, not a new one.
      expect((await kickOff(app, '/fhir/$export?_type=Patient')).status).toBe(202);
      const c = await kickOff(app, '/fhir/$export?_type=Condition');
      expect(c.status).toBe(429);
      expect(c.body.issue[0].code).toBe('throttled');
      expect(c.body.issue[0].diagnostics).toMatch(/limit \(SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT\) is 2/);
      // Another client is not affected.
      expect((await kickOff(app, '/fhir/$export?_type=Condition', { ...ASYNC, 'X-Forwarded-For': '203.0.113.9' })).status).toBe(202);
      await request(app.app).delete(pathOf(String(a.headers['content-location'])));
      expect((await kickOff(app, '/fhir/$export?_type=Condition')).status).toBe(202);
    } finally {
      await app.close();
    }
  });
});

describe('$export partition cache', () => {
  it('generates each patient once for all the types of its partition, and serves the same bytes as without the cache', async () => {
    const engine = createStubEngine();
    const config = { defaultCohortSize: SIZE, baseUrl: BASE, exportPatientsPerFile: 10 };
    const cached = await createStubApp(config, { engine });
    const uncached = await createStubApp({ ...config, exportCacheMb: 0 });
    try {
      const a = await runExport(cached, '/fhir/$export');
      const b = await runExport(uncached, '/fhir/$export');
      expect(b.manifestText).toBe(a.manifestText);
      const before = engine.calls.generate;
      const texts: string[] = [];
      for (const o of a.manifest.output) texts.push((await fetchFile(cached, o.url)).body as string);
      // In manifest order: one generation per patient (the Observation file), the other three files kept.
      expect(engine.calls.generate - before).toBe(SIZE);
      for (const [i, o] of b.manifest.output.entries()) expect((await fetchFile(uncached, o.url)).body).toBe(texts[i]);
      // A file fetched again is the same, still without generating.
      expect((await fetchFile(cached, a.manifest.output[1].url)).body).toBe(texts[1]);
      expect(engine.calls.generate - before).toBe(SIZE);
    } finally {
      await cached.close();
      await uncached.close();
    }
  });
});
