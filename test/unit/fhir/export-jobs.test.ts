import type { Store } from '../../../src/cohort';
import { createMemoryStore } from '../../../src/cohort';
import { SynthfhirError } from '../../../src/errors';
import { createPartitionCache, ExportJobs } from '../../../src/fhir/operations/export-jobs';
import type { ExportJob } from '../../../src/fhir/operations/export-job';
import type { ExportSettings } from '../../../src/fhir/context';

/** A memory store that can be switched off: every call then fails as the Redis store does when Redis is down. */
function switchableStore(): { store: Store; down: (isDown: boolean) => void } {
  const inner = createMemoryStore();
  let isDown = false;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'kind') return value;
      return (...args: unknown[]) => {
        if (isDown) return Promise.reject(new SynthfhirError('SERVICE_UNAVAILABLE', { detail: 'The shared store is not answering.' }));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, down: (d) => (isDown = d) };
}

const job = (id: string): ExportJob => ({
  id,
  level: 'group',
  cohortId: 'abcdefghijklmnop',
  size: 30,
  asOf: '2025-01-01',
  types: ['Patient'],
  outputFormat: 'application/fhir+ndjson',
  patientsPerFile: 10,
  request: 'http://x/fhir/Group/abcdefghijklmnop/$export',
  state: 'accepted',
});

describe('export jobs through a store outage (issue 13: a running export survives Redis going away)', () => {
  const { store, down } = switchableStore();
  const settings: ExportSettings = { store, patientsPerFile: 10, jobTtlMs: 60_000, maxJobsPerClient: 5, partitions: createPartitionCache(store, 1024) };
  const jobs = new ExportJobs(settings);
  afterEach(() => down(false));

  it('a job this replica wrote or read is still served (as last seen) while the store is down', async () => {
    const a = job('a'.repeat(32));
    await jobs.create(a, 'client-1');
    await jobs.update({ ...a, state: 'complete' });
    down(true);
    expect(await jobs.get(a.id)).toEqual({ ...a, state: 'complete' });
    // Another instance over the same settings (handlers build one per request) sees it too.
    expect((await new ExportJobs(settings).get(a.id))?.state).toBe('complete');
  });

  it('a job never seen, or deleted, is still a 503 while the store is down: the store is the only truth', async () => {
    const b = job('b'.repeat(32));
    await jobs.create(b, undefined);
    expect(await jobs.delete(b.id)).toBe(true);
    down(true);
    await expect(jobs.get(b.id)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(jobs.get('c'.repeat(32))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    // Registering a job is a write: refused, not faked.
    await expect(jobs.create(job('d'.repeat(32)), 'client-1')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('a job the store has dropped (expired, deleted on another replica) is gone here too once the store answers', async () => {
    const e = job('e'.repeat(32));
    await jobs.create(e, undefined);
    await store.delete(`export:job:${e.id}`);
    expect(await jobs.get(e.id)).toBeUndefined();
    down(true);
    await expect(jobs.get(e.id)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
