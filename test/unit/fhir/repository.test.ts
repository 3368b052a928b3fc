import type { Resource } from '../../../src/fhir';
import { createRepository } from '../../../src/fhir';
import { entriesOf, linkOf, routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

const ids = (rs: readonly Resource[]): string[] => rs.map((r) => r.id ?? '');

describe('FhirRepository', () => {
  let h: RouterHarness;
  let otherId: string;
  beforeAll(async () => {
    h = await routerHarness(12);
    otherId = (await h.cohorts.register({ size: 4, seed: 99 })).id;
  });

  test('the default scope reads any registered cohort’s resources and searches the default cohort', async () => {
    const repo = createRepository(h.context);
    expect(repo.cohortId).toBe(h.cohort.id);
    expect(repo.explicit).toBe(false);
    expect((await repo.read('Patient', `${otherId}-1`)).id).toBe(`${otherId}-1`);
    const page = await repo.search('Patient', [['_count', '5']]);
    expect(page).toMatchObject({ total: 12, count: 5, offset: 0, cohortId: h.cohort.id });
    expect(ids(page.resources)).toEqual([0, 1, 2, 3, 4].map((i) => `${h.cohort.id}-${i}`));
  });

  test('an explicit cohort scope holds only that cohort: other cohorts’ ids do not exist in it', async () => {
    const repo = createRepository(h.context, { cohortId: otherId });
    expect((await repo.search('Patient', [])).total).toBe(4);
    await expect(repo.read('Patient', `${h.cohort.id}-1`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(repo.read('Observation', `${h.cohort.id}-1-o1`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const pinnedElsewhere = await repo.search('Observation', [['subject', `Patient/${h.cohort.id}-1`]]);
    expect(pinnedElsewhere.total).toBe(0);
    expect((await repo.read('Group', otherId)).id).toBe(otherId);
    await expect(repo.read('Group', h.cohort.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('searchByReference answers each id as the REST search would, from one corpus', async () => {
    const repo = createRepository(h.context);
    const refs = [1, 2, 3].map((i) => `Patient/${h.cohort.id}-${i}`);
    const before = h.engine.calls.generate;
    const byRef = await repo.searchByReference('Observation', 'subject', refs, [['_sort', '-date'], ['_count', '1']]);
    expect([...byRef.keys()]).toEqual(refs);
    for (const ref of refs) {
      const rest = await repo.search('Observation', [['subject', ref], ['_sort', '-date'], ['_count', '1']]);
      expect(ids(byRef.get(ref)!.resources)).toEqual(ids(rest.resources));
      expect(byRef.get(ref)!.total).toBe(rest.total);
      expect(rest.total).toBeGreaterThan(0);
    }
    // Three patients, each generated at most once for the batch (and cached for the REST checks).
    expect(h.engine.calls.generate - before).toBeLessThanOrEqual(3);
  });

  test('patientResources filters by type and window; cohortPartition streams index ranges in order', async () => {
    const repo = createRepository(h.context);
    const pid = `${h.cohort.id}-2`;
    const all = await repo.patientResources(pid);
    expect(all[0]).toMatchObject({ resourceType: 'Patient', id: pid });
    const obs = await repo.patientResources(pid, { types: new Set(['Observation']) });
    expect(obs.length).toBeGreaterThan(0);
    expect(obs.every((r) => r.resourceType === 'Observation')).toBe(true);
    const cohort = await repo.cohort(h.cohort.id);
    const part = [...repo.cohortPartition(cohort, { start: 2, end: 4 }, new Set(['Patient']))];
    expect(ids(part)).toEqual([`${h.cohort.id}-2`, `${h.cohort.id}-3`]);
    const clipped = [...repo.cohortPartition(cohort, { start: 10, end: 99 }, new Set(['Patient']))];
    expect(ids(clipped)).toEqual([`${h.cohort.id}-10`, `${h.cohort.id}-11`]);
    await expect(repo.patientResources(`${h.cohort.id}-99`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('per-cohort FHIR base /cohort/<id>/', () => {
  let h: RouterHarness;
  let otherId: string;
  beforeAll(async () => {
    h = await routerHarness(12);
    otherId = (await h.cohorts.register({ size: 30, seed: 7 })).id;
  });

  test('search runs over that cohort, with paging links that stay inside its base', async () => {
    const r = await h.get(`cohort/${otherId}/Patient?_count=10`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(30);
    expect(entriesOf(r.body, 'match').every((p) => p.id!.startsWith(`${otherId}-`))).toBe(true);
    expect(linkOf(r.body, 'next')).toBe(`http://fhir.test/fhir/cohort/${otherId}/Patient?_count=10&_offset=10`);
    expect(r.cohortId).toBe(otherId);
  });

  test('Patient?_has:Group:member:_id=<cohort> searches that cohort’s members, like its own base', async () => {
    const viaHas = await h.get(`Patient?_has:Group:member:_id=${otherId}&gender=female&_count=50`);
    const viaBase = await h.get(`cohort/${otherId}/Patient?gender=female&_count=50`);
    expect(viaHas.status).toBe(200);
    expect(viaHas.body.total).toBe(viaBase.body.total);
    expect(entriesOf(viaHas.body, 'match').map((p) => p.id)).toEqual(entriesOf(viaBase.body, 'match').map((p) => p.id));
    expect((viaHas.body.total as number) > 0).toBe(true);
    const pinned = await h.get(`Patient?_has:Group:member:_id=${otherId}&_id=${otherId}-3,${h.cohort.id}-3`);
    expect(entriesOf(pinned.body, 'match').map((p) => p.id)).toEqual([`${otherId}-3`]);
    expect((await h.get('Patient?_has:Group:member:_id=abcdefghijklmnop')).body.total).toBe(0);
    expect((await h.get(`Patient?_has:Group:member:_id=${otherId},${h.cohort.id}`)).status).toBe(400);
  });

  test('reads, metadata and Group read work under it; other cohorts and unknown bases are 404', async () => {
    expect((await h.get(`cohort/${otherId}/Patient/${otherId}-29`)).status).toBe(200);
    expect((await h.get(`cohort/${otherId}/Patient/${h.cohort.id}-1`)).status).toBe(404);
    expect((await h.get(`cohort/${otherId}/metadata`)).body.resourceType).toBe('CapabilityStatement');
    expect((await h.get(`cohort/${otherId}/Group/${otherId}`)).body).toMatchObject({ resourceType: 'Group', quantity: 30 });
    const unknown = await h.get('cohort/abcdefghijklmnop/Patient');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('abcdefghijklmnop');
  });

  test('read shapes with the search parser: a bad _summary is a 400 on read as on search', async () => {
    const bad = await h.get(`Patient/${h.cohort.id}-1?_summary=bogus`);
    expect(bad.status).toBe(400);
    const searchBad = await h.get('Patient?_summary=bogus');
    expect(searchBad.status).toBe(400);
    expect(JSON.stringify(bad.body.issue)).toBe(JSON.stringify(searchBad.body.issue));
    const ok = await h.get(`Patient/${h.cohort.id}-1?_elements=gender`);
    expect(Object.keys(ok.body).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
  });
});
