import request from 'supertest';

import type { App } from '../../src/app';
import { MAX_UNSCOPED_COHORT_SIZE } from '../../src/fhir';
import { createStubApp } from '../support/stub-app';
import type { MemoryLogger } from '../support/stub-app';

/** A stack frame or a source path in a body means internals leaked to the client. */
function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules/);
}

function expectOutcome(res: request.Response, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  expect(res.body.resourceType).toBe('OperationOutcome');
  if (code !== undefined) expect(res.body.issue[0].code).toBe(code);
  expectNoInternals(res.body);
}

describe('HTTP app (supertest)', () => {
  let a: App & { logger: MemoryLogger };
  let pid: string;
  beforeAll(async () => {
    a = await createStubApp({ maxBodyBytes: 2048 });
    pid = `${a.defaultCohort.id}-4`;
  });
  afterAll(async () => {
    await a.close();
  });

  it('serves the CapabilityStatement as FHIR JSON with absolute implementation url', async () => {
    const r = await request(a.app).get('/fhir/metadata');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(r.body.fhirVersion).toBe('4.0.1');
    expect(r.body.implementation.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
  });

  it('GET /fhir/Patient returns the default cohort at once', async () => {
    const r = await request(a.app).get('/fhir/Patient');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 30 });
    expect(r.body.entry).toHaveLength(20);
  });

  it('pages through every patient with next links, none lost or repeated', async () => {
    const ids: string[] = [];
    let url: string | undefined = '/fhir/Patient?_count=8';
    while (url !== undefined) {
      const r = await request(a.app).get(url);
      ids.push(...(r.body.entry as { resource: { id: string } }[]).map((e) => e.resource.id));
      const next = (r.body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
      url = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
    }
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('reads a resource with ETag and serves $everything', async () => {
    const r = await request(a.app).get(`/fhir/Patient/${pid}`);
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBe('W/"1"');
    const e = await request(a.app).get(`/fhir/Patient/${pid}/$everything`);
    expect(e.body.total).toBe(6); // Patient, Encounter, two Observations, Condition, MedicationRequest
  });

  it('POST _search takes a form body', async () => {
    const r = await request(a.app)
      .post('/fhir/Observation/_search?code=4548-4')
      .type('form')
      .send({ subject: `Patient/${pid}` });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(1);
  });

  it('uses config.baseUrl for links when set', async () => {
    const b = await createStubApp({ baseUrl: 'https://fhir.example.org/r4/fhir' });
    try {
      const r = await request(b.app).get('/fhir/Patient?_count=1');
      expect(r.body.link[0].url).toBe('https://fhir.example.org/r4/fhir/Patient?_count=1');
    } finally {
      await b.close();
    }
  });

  describe('content negotiation', () => {
    it.each([
      [{}, 'application/fhir+json'],
      [{ accept: 'application/fhir+json' }, 'application/fhir+json'],
      [{ accept: 'application/json' }, 'application/json'],
      [{ accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, 'application/fhir+json'],
      [{ accept: 'application/json, application/fhir+json' }, 'application/fhir+json'],
    ])('Accept %j → %s', async (headers, type) => {
      const r = await request(a.app).get('/fhir/metadata').set(headers);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe(`${type}; charset=utf-8`);
    });

    it.each(['json', 'application/fhir+json', 'application/json'])('_format=%s is served', async (f) => {
      const r = await request(a.app).get(`/fhir/Patient/${pid}?_format=${encodeURIComponent(f)}`);
      expect(r.status).toBe(200);
    });

    it.each([
      ['_format=xml', {}],
      ['_format=application/fhir%2Bxml', {}],
      ['', { accept: 'application/fhir+xml' }],
      ['', { accept: 'application/xml, text/xml' }],
      ['', { accept: 'application/fhir+json;q=0' }],
    ])('XML (%s %j) is 406 with an OperationOutcome in JSON', async (q, headers) => {
      const r = await request(a.app).get(`/fhir/Patient?${q}`).set(headers);
      expectOutcome(r, 406, 'not-supported');
    });
  });

  describe('errors', () => {
    it('unknown type → 404', async () => {
      expectOutcome(await request(a.app).get('/fhir/Patience'), 404, 'not-supported');
    });

    it('unknown id → 404', async () => {
      expectOutcome(await request(a.app).get(`/fhir/Patient/${a.defaultCohort.id}-999`), 404, 'not-found');
    });

    it('bad search parameter value → 400 naming it', async () => {
      const r = await request(a.app).get('/fhir/Observation?date=notadate');
      expectOutcome(r, 400, 'invalid');
      expect(r.body.issue[0].expression).toEqual(['date']);
    });

    it('strict unknown parameter → 400; lenient → 200 with an outcome entry', async () => {
      expectOutcome(await request(a.app).get('/fhir/Patient?gendr=female').set('Prefer', 'handling=strict'), 400);
      const lenient = await request(a.app).get('/fhir/Patient?gendr=female');
      expect(lenient.status).toBe(200);
      expect(lenient.body.entry.at(-1).search.mode).toBe('outcome');
    });

    it('writes → 405 with Allow', async () => {
      for (const [method, path] of [
        ['post', '/fhir/Patient'],
        ['put', `/fhir/Patient/${pid}`],
        ['patch', `/fhir/Patient/${pid}`],
        ['delete', `/fhir/Patient/${pid}`],
      ] as const) {
        const r = await request(a.app)[method](path).set('content-type', 'application/fhir+json').send({ resourceType: 'Patient' });
        expectOutcome(r, 405, 'not-supported');
        expect(r.headers.allow).toBe('GET, HEAD');
      }
    });

    it('malformed JSON body → 400, without echoing the parser', async () => {
      const r = await request(a.app).post('/fhir/Patient').set('content-type', 'application/fhir+json').send('{"resourceType": ');
      expectOutcome(r, 400, 'invalid');
      expect(r.body.issue[0].diagnostics).toBe('The request body is not valid JSON.');
    });

    it('body over maxBodyBytes → 413 (JSON and form)', async () => {
      const big = JSON.stringify({ resourceType: 'Patient', text: 'x'.repeat(4000) });
      expectOutcome(await request(a.app).post('/fhir/Patient').set('content-type', 'application/json').send(big), 413, 'too-costly');
      expectOutcome(await request(a.app).post('/fhir/Patient/_search').type('form').send(`name=${'x'.repeat(4000)}`), 413);
    });

    it('malformed percent-encoding in the path → 400', async () => {
      expectOutcome(await request(a.app).get('/fhir/Patient/%E0%A4%A'), 400);
    });

    it('an unsupported subgroup → 422 business-rule', async () => {
      const where = encodeURIComponent(JSON.stringify({ sex: 'none' }));
      expectOutcome(await request(a.app).get(`/fhir/Group/$cohort?size=2&seed=1&where=${where}`), 422, 'business-rule');
    });

    it('a path outside /fhir → 404 OperationOutcome', async () => {
      expectOutcome(await request(a.app).get('/nothing/here'), 404, 'not-found');
    });

    it('a cohort too large for unscoped search → 400 too-costly', async () => {
      const big = await createStubApp({ defaultCohortSize: MAX_UNSCOPED_COHORT_SIZE + 1 });
      try {
        expectOutcome(await request(big.app).get('/fhir/Observation?code=4548-4'), 400, 'too-costly');
      } finally {
        await big.close();
      }
    });
  });

  describe('operations', () => {
    it('/healthz answers with the store kind', async () => {
      const r = await request(a.app).get('/healthz');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'ok', store: 'memory' });
    });

    it('/healthz is 503 when the store does not answer', async () => {
      const b = await createStubApp();
      await b.store.close();
      const r = await request(b.app).get('/healthz');
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('unavailable');
    });

    it('logs one line per request with method, path, status, durationMs, requestId, cohortId; echoes X-Request-Id', async () => {
      const before = a.logger.lines.length;
      const r = await request(a.app).get(`/fhir/Patient/${pid}`).set('X-Request-Id', 'abc-123');
      expect(r.headers['x-request-id']).toBe('abc-123');
      const lines = a.logger.lines.slice(before).filter((l) => l.msg === 'request');
      expect(lines).toHaveLength(1);
      expect(lines[0].obj).toMatchObject({
        method: 'GET',
        path: `/fhir/Patient/${pid}`,
        status: 200,
        requestId: 'abc-123',
        cohortId: a.defaultCohort.id,
      });
      expect(typeof lines[0].obj.durationMs).toBe('number');
      const fresh = await request(a.app).get('/fhir/metadata').set('X-Request-Id', 'bad id with spaces');
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    });
  });
});
