import request from 'supertest';

import type { App } from '../../src/app';
import { createStubApp } from '../support/stub-app';
import type { MemoryLogger } from '../support/stub-app';

/** Reads, conditional reads, the read cache and /metrics (issue 11 §1, §2). */
describe('HTTP reads: cache, conditional requests, metrics', () => {
  let a: App & { logger: MemoryLogger };
  let path: string;
  beforeAll(async () => {
    a = await createStubApp({ bodyCacheBytes: 1_000_000 });
    path = `/fhir/Patient/${a.defaultCohort.id}-4`;
  });
  afterAll(async () => {
    await a.close();
  });

  it('answers a second read from the read cache with the same bytes and headers, logged once each', async () => {
    const first = await request(a.app).get(path);
    const linesBefore = a.logger.lines.length;
    const second = await request(a.app).get(path);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    for (const h of ['content-type', 'content-length', 'etag', 'last-modified']) expect(second.headers[h]).toBe(first.headers[h]);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    const logged = a.logger.lines.slice(linesBefore).filter((l) => l.msg === 'request');
    expect(logged).toHaveLength(1);
    expect(logged[0].obj).toMatchObject({ path, status: 200, cohortId: a.defaultCohort.id });
    const metrics = (await request(a.app).get('/metrics')).text;
    expect(metrics).toMatch(/^synthfhir_cache_hits_total\{cache="reads"\} [1-9]\d*$/m);
  });

  it('keeps the media type per Accept: application/json is not served the cached FHIR JSON type', async () => {
    await request(a.app).get(path);
    const r = await request(a.app).get(path).set('accept', 'application/json');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const again = await request(a.app).get(path).set('accept', 'application/json');
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.text).toBe(r.text);
  });

  it('still refuses an Accept it cannot serve (406), cached or not', async () => {
    await request(a.app).get(path);
    const r = await request(a.app).get(path).set('accept', 'application/fhir+xml');
    expect(r.status).toBe(406);
  });

  it.each([
    ['cached', true],
    ['uncached', false],
  ])('answers If-None-Match with 304 and no body (%s)', async (_label, warm) => {
    const p = warm ? path : `/fhir/Patient/${a.defaultCohort.id}-${warm ? 4 : 7}`;
    if (warm) await request(a.app).get(p);
    const ok = await request(a.app).get(p);
    const r = await request(a.app).get(p).set('if-none-match', ok.headers.etag);
    expect(r.status).toBe(304);
    expect(r.text).toBe('');
    expect(r.headers.etag).toBe(ok.headers.etag);
    expect(r.headers['last-modified']).toBe(ok.headers['last-modified']);
    expect((await request(a.app).get(`/fhir/Patient/${a.defaultCohort.id}-9`).set('if-none-match', ok.headers.etag)).status).toBe(304);
    expect((await request(a.app).get(p).set('if-none-match', '"other", W/"2"')).status).toBe(200);
    expect((await request(a.app).get(p).set('if-none-match', '*')).status).toBe(304);
  });

  it('answers If-Modified-Since with 304 when not modified since, 200 when modified after', async () => {
    const ok = await request(a.app).get(path);
    const lastModified = ok.headers['last-modified'];
    expect(lastModified).toBeDefined();
    const ms = Date.parse(lastModified);
    expect((await request(a.app).get(path).set('if-modified-since', lastModified)).status).toBe(304);
    expect((await request(a.app).get(path).set('if-modified-since', new Date(ms + 86_400_000).toUTCString())).status).toBe(304);
    expect((await request(a.app).get(path).set('if-modified-since', new Date(ms - 1000).toUTCString())).status).toBe(200);
    expect((await request(a.app).get(path).set('if-modified-since', 'not a date')).status).toBe(200);
    // If-None-Match decides when both are sent (RFC 9110 §13.2.2).
    expect((await request(a.app).get(path).set('if-none-match', '"other"').set('if-modified-since', lastModified)).status).toBe(200);
  });

  it('does not cache or 304 what is not a plain read: searches, shaped reads, unknown ids', async () => {
    const search = await request(a.app).get('/fhir/Patient?_count=1').set('if-none-match', '*');
    expect(search.status).toBe(200);
    const shaped = await request(a.app).get(`${path}?_summary=true`);
    expect(shaped.status).toBe(200);
    const missing = await request(a.app).get(`/fhir/Patient/${a.defaultCohort.id}-99999`).set('if-none-match', '*');
    expect(missing.status).toBe(404);
  });

  it('serves /metrics in Prometheus text format with the record and read caches and process memory', async () => {
    const r = await request(a.app).get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const cache of ['records', 'reads', 'searchIndex']) {
      for (const m of ['bytes', 'max_bytes', 'entries', 'hits_total', 'misses_total', 'evictions_total']) {
        expect(r.text).toMatch(new RegExp(`^synthfhir_cache_${m}\\{cache="${cache}"\\} (\\d+(\\.\\d+)?|\\+Inf)$`, 'm'));
      }
    }
    expect(r.text).toMatch(/^# TYPE synthfhir_cache_hits_total counter$/m);
    expect(r.text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(r.text).toMatch(/^nodejs_heap_size_used_bytes \d+$/m);
  });
});
