import type { JsonResource } from '../../support/json';
import { parsePatientId } from '../../../src/cohort';
import { MAX_UNSCOPED_COHORT_SIZE } from '../../../src/fhir';
import { entriesOf, linkOf, relative, routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

const issueOf = (body: JsonResource): { code: string; diagnostics: string; expression?: string[] } =>
  (body.issue as { code: string; diagnostics: string; expression?: string[] }[])[0];

describe('FHIR router', () => {
  let h: RouterHarness;
  let pid: string;
  beforeAll(async () => {
    h = await routerHarness();
    pid = `${h.cohort.id}-3`;
  });

  describe('read, vread, history', () => {
    it('reads a patient and its resources, with ETag and Last-Modified', async () => {
      const r = await h.get(`Patient/${pid}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ resourceType: 'Patient', id: pid });
      expect(r.headers.etag).toBe('W/"1"');
      expect(r.headers['last-modified']).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
      expect(r.cohortId).toBe(h.cohort.id);
      const o = await h.get(`Observation/${pid}-o1`);
      expect(o.body).toMatchObject({ resourceType: 'Observation', id: `${pid}-o1`, subject: { reference: `Patient/${pid}` } });
    });

    it('serves the same bytes on every read (regenerated or cached)', async () => {
      const a = JSON.stringify((await h.get(`Encounter/${pid}-e0`)).body);
      const other = await routerHarness();
      // A second router (another replica) with its own caches regenerates the same resource.
      const b = JSON.stringify((await other.get(`Encounter/${other.cohort.id}-3-e0`)).body);
      expect(other.cohort.id).toBe(h.cohort.id);
      expect(b).toBe(a);
    });

    it.each([
      ['Patient/abcdefghijklmnop-1', 'unregistered cohort'],
      ['Patient/x-1', 'malformed id'],
      ['Observation/PID-o99', 'no such observation'],
      ['Observation/PID', 'type mismatch (a Patient id read as Observation)'],
      ['Patient/PID-o1', 'type mismatch (an Observation id read as Patient)'],
      ['Patient/a$b', 'invalid FHIR id'],
    ])('404s on %s (%s)', async (path) => {
      const r = await h.get(path.replace('PID', pid));
      expect(r.status).toBe(404);
      expect(r.body.resourceType).toBe('OperationOutcome');
      expect(issueOf(r.body).code).toBe('not-found');
    });

    it('404s on an index outside the cohort, naming its size', async () => {
      const r = await h.get(`Patient/${h.cohort.id}-30`);
      expect(r.status).toBe(404);
      expect(issueOf(r.body).diagnostics).toContain('does not exist');
    });

    it('vread serves version 1 only', async () => {
      const ok = await h.get(`Patient/${pid}/_history/1`);
      expect(ok.status).toBe(200);
      expect(ok.body.id).toBe(pid);
      const v2 = await h.get(`Patient/${pid}/_history/2`);
      expect(v2.status).toBe(404);
      expect(issueOf(v2.body).diagnostics).toMatch(/one version, "1"/);
    });

    it('history is a history Bundle with the one version', async () => {
      const r = await h.get(`Condition/${pid}-o0/_history`);
      expect(r.status).toBe(404);
      const hist = await h.get(`Observation/${pid}-o0/_history`);
      expect(hist.body).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 1 });
      expect(entriesOf(hist.body)[0].id).toBe(`${pid}-o0`);
    });

    it('read honours _elements without touching the cached resource', async () => {
      const r = await h.get(`Patient/${pid}?_elements=gender`);
      expect(r.body.gender).toBeDefined();
      expect(r.body.birthDate).toBeUndefined();
      const full = await h.get(`Patient/${pid}`);
      expect(full.body.birthDate).toBeDefined();
    });
  });

  describe('protocol errors', () => {
    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s is 405 read-only with Allow', async (method) => {
      const r = await h.request({ method, path: `Patient/${pid}`, body: { resourceType: 'Patient' } });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(issueOf(r.body).diagnostics).toMatch(/read-only/);
    });

    it('POST to the base (transaction) is 405', async () => {
      expect((await h.request({ method: 'POST', path: '' })).status).toBe(405);
    });

    it('an unknown type is 404 with a suggestion', async () => {
      const r = await h.get('Patientt');
      expect(r.status).toBe(404);
      expect(issueOf(r.body).diagnostics).toContain('did you mean "Patient"');
      expect((await h.get('Medication/1')).status).toBe(404);
      expect((await h.request({ method: 'POST', path: 'Medication' })).status).toBe(404);
    });

    it('an unknown route under a served type is 404', async () => {
      expect((await h.get(`Patient/${pid}/foo/bar`)).status).toBe(404);
    });

    it('malformed percent-encoding in the path is 400', async () => {
      const r = await h.get('Patient/%E0%A4%A');
      expect(r.status).toBe(400);
    });

    it('HEAD is served as GET', async () => {
      expect((await h.request({ method: 'HEAD', path: `Patient/${pid}` })).status).toBe(200);
    });

    it('an unknown error is a generic 500 with an error id the log repeats with the cause', async () => {
      const broken = await routerHarness();
      broken.router.addRoute({
        method: 'GET',
        pattern: ['boom'],
        handler: () => Promise.reject(new TypeError('secret internal detail')),
      });
      const r = await broken.get('boom');
      expect(r.status).toBe(500);
      const text = JSON.stringify(r.body);
      expect(text).not.toContain('secret');
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
      const id = /error id ([0-9a-f-]{36})/.exec(issueOf(r.body).diagnostics)?.[1];
      expect(id).toBeDefined();
      const logged = broken.logger.lines.find((l) => l.obj.errorId === id);
      expect(String((logged?.obj.err as Error).stack)).toContain('secret internal detail');
    });
  });

  describe('search', () => {
    it('an unscoped search runs over the whole default cohort', async () => {
      const r = await h.get('Patient?_count=5');
      expect(r.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 30 });
      expect(entriesOf(r.body, 'match')).toHaveLength(5);
      expect(r.cohortId).toBe(h.cohort.id);
    });

    it('paging walks every page with no duplicate or lost entry, via next links', async () => {
      const seen: string[] = [];
      let path: string | undefined = 'Observation?code=4548-4&_count=7&_sort=-value-quantity';
      let pages = 0;
      while (path !== undefined) {
        const r = await h.get(path);
        expect(r.status).toBe(200);
        seen.push(...entriesOf(r.body, 'match').map((e) => e.id!));
        const next = linkOf(r.body, 'next');
        path = next === undefined ? undefined : relative(next);
        pages += 1;
      }
      expect(pages).toBe(5);
      expect(seen).toHaveLength(30);
      expect(new Set(seen).size).toBe(30);
      // previous links walk back over the same pages.
      const last = await h.get('Observation?code=4548-4&_count=7&_offset=28&_sort=-value-quantity');
      expect(relative(linkOf(last.body, 'previous')!)).toContain('_offset=21');
      expect(linkOf(last.body, 'next')).toBeUndefined();
    });

    it('links are absolute, from the request base, and keep the query', async () => {
      const r = await h.get('Observation?code=http://loinc.org|4548-4&_count=10');
      expect(linkOf(r.body, 'self')).toBe('http://fhir.test/fhir/Observation?code=http://loinc.org%7C4548-4&_count=10');
      expect(linkOf(r.body, 'next')).toBe('http://fhir.test/fhir/Observation?code=http://loinc.org%7C4548-4&_count=10&_offset=10');
      const e = (r.body.entry as { fullUrl: string }[])[0];
      expect(e.fullUrl).toMatch(/^http:\/\/fhir\.test\/fhir\/Observation\//);
    });

    it('a search scoped to a patient regenerates only that patient', async () => {
      const fresh = await routerHarness(500);
      const before = fresh.engine.calls.generate;
      const r = await fresh.get(`Observation?subject=Patient/${fresh.cohort.id}-7`);
      expect(r.body.total).toBe(2);
      expect(fresh.engine.calls.generate - before).toBe(1);
      const byPatient = await fresh.get(`Observation?patient=${fresh.cohort.id}-7&code=8867-4`);
      expect(entriesOf(byPatient.body).map((x) => x.id)).toEqual([`${fresh.cohort.id}-7-o1`]);
      expect(fresh.engine.calls.generate - before).toBe(1);
    });

    it('scoped searches reach any registered cohort, not only the default', async () => {
      const other = await h.cohorts.register({ size: 5, seed: 99 });
      const r = await h.get(`Encounter?subject=Patient/${other.id}-4`);
      expect(r.body.total).toBe(1);
      expect(r.cohortId).toBe(other.id);
    });

    it('a scoped search for a patient that does not exist matches nothing (200, total 0)', async () => {
      const r = await h.get('Observation?subject=Patient/abcdefghijklmnop-1');
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(0);
    });

    it('_include adds the referenced resources as include entries', async () => {
      const r = await h.get(`Observation?subject=Patient/${pid}&_include=Observation:subject`);
      expect(entriesOf(r.body, 'match')).toHaveLength(2);
      expect(entriesOf(r.body, 'include').map((x) => x.id)).toEqual([pid]);
      const rev = await h.get(`Patient?_id=${pid}&_revinclude=Observation:subject`);
      expect(entriesOf(rev.body, 'include')).toHaveLength(2);
    });

    it('POST _search merges the form body after the query', async () => {
      const r = await h.request({
        method: 'POST',
        path: 'Observation/_search',
        query: [['code', '4548-4']],
        form: [['_count', '3']],
      });
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(30);
      expect(entriesOf(r.body, 'match')).toHaveLength(3);
    });

    it('lenient (default) ignores an unknown parameter and reports it in an outcome entry', async () => {
      const r = await h.get('Patient?birthdat=2000&_count=1');
      expect(r.status).toBe(200);
      const outcome = entriesOf(r.body, 'outcome')[0];
      expect(JSON.stringify(outcome)).toContain('birthdat');
    });

    it('strict handling rejects an unknown parameter with a suggestion (400)', async () => {
      const r = await h.get('Patient?birthdat=2000', { prefer: 'handling=strict' });
      expect(r.status).toBe(400);
      expect(issueOf(r.body).diagnostics).toContain('did you mean "birthdate"');
    });

    it('a malformed value is 400 in both modes, naming the parameter', async () => {
      const r = await h.get('Patient?birthdate=notadate');
      expect(r.status).toBe(400);
      expect(issueOf(r.body).expression).toEqual(['birthdate']);
    });

    it('_summary=count gives the total and no entries', async () => {
      const r = await h.get('Observation?_summary=count');
      expect(r.body.total).toBe(60);
      expect(r.body.entry).toBeUndefined();
    });

    it('_total=none hides the total but keeps paging', async () => {
      const r = await h.get('Patient?_total=none&_count=10');
      expect(r.body.total).toBeUndefined();
      expect(linkOf(r.body, 'next')).toBeDefined();
    });

    it('_count above the maximum is clamped with a warning', async () => {
      const r = await h.get('Observation?_count=1000');
      expect(entriesOf(r.body, 'match')).toHaveLength(60);
      expect(JSON.stringify(entriesOf(r.body, 'outcome'))).toContain('100');
    });

    it('an unscoped search over a cohort above the corpus limit is 400 too-costly; scoped ones still work', async () => {
      const big = await routerHarness(MAX_UNSCOPED_COHORT_SIZE + 1);
      const r = await big.get('Observation?code=4548-4');
      expect(r.status).toBe(400);
      expect(issueOf(r.body).code).toBe('too-costly');
      expect(issueOf(r.body).diagnostics).toMatch(/must be scoped to patients/);
      expect(big.engine.calls.generate).toBe(0);
      const scoped = await big.get(`Observation?subject=Patient/${big.cohort.id}-${MAX_UNSCOPED_COHORT_SIZE}`);
      expect(scoped.body.total).toBe(2);
    });
  });

  describe('Patient/$everything', () => {
    it('returns the patient first and all its resources', async () => {
      const r = await h.get(`Patient/${pid}/$everything`);
      expect(r.status).toBe(200);
      const rs = entriesOf(r.body, 'match');
      expect(rs[0]).toMatchObject({ resourceType: 'Patient', id: pid });
      expect(rs.map((x) => x.resourceType).sort()).toEqual(['Condition', 'Encounter', 'Observation', 'Observation', 'Patient']);
      expect(rs.every((x) => x.id!.startsWith(pid))).toBe(true);
    });

    it('filters by _type and by care dates at their precision', async () => {
      const types = await h.get(`Patient/${pid}/$everything?_type=Observation`);
      expect(entriesOf(types.body, 'match').map((x) => x.resourceType)).toEqual(['Observation', 'Observation']);
      // The stub puts patient 3's visit 111 days before asOf (2024-09-12) and the condition onset a year before asOf.
      const inYear = await h.get(`Patient/${pid}/$everything?start=2024&end=2024`);
      expect(inYear.body.total).toBe(5);
      const inSeptember = await h.get(`Patient/${pid}/$everything?start=2024-09&end=2024-09`);
      expect(entriesOf(inSeptember.body, 'match').map((x) => x.resourceType)).toEqual(['Patient', 'Encounter', 'Observation', 'Observation']);
      const after = await h.get(`Patient/${pid}/$everything?start=2026-01-01`);
      expect(entriesOf(after.body, 'match').map((x) => x.resourceType)).toEqual(['Patient']);
    });

    it('pages with _count/_offset', async () => {
      const p1 = await h.get(`Patient/${pid}/$everything?_count=3`);
      expect(entriesOf(p1.body, 'match')).toHaveLength(3);
      const next = await h.get(relative(linkOf(p1.body, 'next')!));
      expect(entriesOf(next.body, 'match')).toHaveLength(2);
    });

    it('rejects bad parameters (400) and unknown ones in strict mode', async () => {
      expect((await h.get(`Patient/${pid}/$everything?start=yesterday`)).status).toBe(400);
      expect((await h.get(`Patient/${pid}/$everything?_type=Medication`)).status).toBe(400);
      expect((await h.get(`Patient/${pid}/$everything?foo=1`, { prefer: 'handling=strict' })).status).toBe(400);
      const lenient = await h.get(`Patient/${pid}/$everything?foo=1`);
      expect(JSON.stringify(entriesOf(lenient.body, 'outcome'))).toContain('foo');
    });

    it('404s for a patient that does not exist', async () => {
      expect((await h.get(`Patient/${h.cohort.id}-999/$everything`)).status).toBe(404);
    });
  });

  it('patient ids in bundles parse back to the default cohort', async () => {
    const r = await h.get('Patient?_count=3');
    for (const p of entriesOf(r.body, 'match')) expect(parsePatientId(p.id!)?.cohortId).toBe(h.cohort.id);
  });
});
