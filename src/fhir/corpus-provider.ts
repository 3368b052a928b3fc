import type { Cohort, CohortService, ModelLike, RecordLike } from '../cohort';
import { LruCache } from '../cohort';
import { isSynthfhirError, SynthfhirError } from '../errors';

import { ResourceCorpus } from './resource-corpus';
import type { Resource } from './types';

/**
 * The largest cohort an unscoped search (one not limited to given patients) may run over. Its
 * corpus holds every resource of every patient in memory: measured on the NHANES default model
 * with a 3-year look-back, about 76 resources and 175 MB of heap per 1,000 patients once search
 * indexes are built (1.9 s to build per 1,000 on one core). 5,000 patients stays under 1 GB, well
 * inside Node's default heap; beyond that a search must be scoped by patient (`subject=`,
 * `patient=`, `_id=`), which regenerates only those patients.
 */
export const MAX_UNSCOPED_COHORT_SIZE = 5_000;
/** Patients generated between yields to the event loop while a cohort corpus is built. */
const BUILD_CHUNK_PATIENTS = 25;
/** Cohort corpora kept in memory at once (the default cohort, plus one other). */
const COHORT_CORPUS_CACHE_SIZE = 2;

type AnyCohorts = CohortService<ModelLike, RecordLike>;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Builds and caches the corpora searches run over: a whole cohort (lazily, once, in chunks so the
 * process keeps answering meanwhile), or just the patients a search is scoped to.
 */
export class CorpusProvider {
  private readonly cohortCorpora = new LruCache<string, Promise<ResourceCorpus>>(COHORT_CORPUS_CACHE_SIZE);
  private readonly recordCorpora = new WeakMap<RecordLike, ResourceCorpus>();

  constructor(private readonly cohorts: AnyCohorts) {}

  /** The corpus of one generated record (cached with the record). */
  recordCorpus(record: RecordLike): ResourceCorpus {
    let c = this.recordCorpora.get(record);
    if (c === undefined) {
      c = new ResourceCorpus();
      c.addPatient(record.patientId, this.cohorts.resourcesOf(record) as readonly Resource[]);
      this.recordCorpora.set(record, c);
    }
    return c;
  }

  /** Every resource of every patient of a cohort; TOO_COSTLY above MAX_UNSCOPED_COHORT_SIZE. */
  cohortCorpus(cohort: Cohort): Promise<ResourceCorpus> {
    if (cohort.spec.size > MAX_UNSCOPED_COHORT_SIZE) {
      return Promise.reject(
        new SynthfhirError('TOO_COSTLY', {
          detail: `Cohort ${cohort.id} has ${cohort.spec.size} patients; searches over more than ${MAX_UNSCOPED_COHORT_SIZE} must be scoped to patients (subject=, patient= or _id=).`,
        }),
      );
    }
    let p = this.cohortCorpora.get(cohort.id);
    if (p === undefined) {
      p = this.build(cohort);
      this.cohortCorpora.set(cohort.id, p);
      // A failed build is not cached: the next search tries again.
      const built = p;
      built.catch(() => {
        if (this.cohortCorpora.get(cohort.id) === built) this.cohortCorpora.delete(cohort.id);
      });
    }
    return p;
  }

  /** Whether a cohort's corpus is already built or being built on this replica. */
  hasCohortCorpus(cohortId: string): boolean {
    return this.cohortCorpora.get(cohortId) !== undefined;
  }

  /**
   * The corpus of the given patients. Ids that name no patient are skipped (a search for them
   * simply matches nothing); other failures (store down...) propagate.
   */
  async patientsCorpus(patientIds: readonly string[]): Promise<ResourceCorpus> {
    const records: RecordLike[] = [];
    for (const id of new Set(patientIds)) {
      try {
        records.push((await this.cohorts.recordOf(id)).record);
      } catch (e) {
        if (!(isSynthfhirError(e) && e.code === 'NOT_FOUND')) throw e;
      }
    }
    if (records.length === 1) return this.recordCorpus(records[0]);
    const c = new ResourceCorpus();
    for (const r of records) c.addPatient(r.patientId, this.cohorts.resourcesOf(r) as readonly Resource[]);
    return c;
  }

  private async build(cohort: Cohort): Promise<ResourceCorpus> {
    const c = new ResourceCorpus();
    for (let i = 0; i < cohort.spec.size; i++) {
      if (i > 0 && i % BUILD_CHUNK_PATIENTS === 0) await yieldToEventLoop();
      const record = this.cohorts.recordAt(cohort, i);
      c.addPatient(record.patientId, this.cohorts.resourcesOf(record) as readonly Resource[]);
    }
    return c;
  }
}
