import type { Cohort, CohortService, LruStats, ModelLike, RecordLike } from '../cohort';
import { LruCache, parsePatientId, patientIdOf } from '../cohort';
import { isSynthfhirError, SynthfhirError } from '../errors';

import { ResourceCorpus } from './resource-corpus';
import { CompactIndexBuilder } from './search';
import type { CompactIndex, PatientNaming } from './search';
import type { Logger } from './types';

/**
 * Default largest cohort an unscoped search (one not limited to given patients) may run over: its
 * compact index (src/fhir/search/compact-index.ts) holds the search entries of every resource in
 * typed arrays, measured at about 7 KB per patient on the NHANES default model with a 3-year
 * look-back (bench/search-index.ts prints the figure); 100,000 patients is about 0.7 GB, built in
 * the background once. Beyond that a search must be scoped by patient (`subject=`, `patient=`, `_id=`);
 * browsing (no criteria) works on any cohort size. Config: SYNTHFHIR_MAX_UNSCOPED_PATIENTS.
 */
export const MAX_UNSCOPED_COHORT_SIZE = 100_000;
/** Default byte bound of the compact indexes kept (config SYNTHFHIR_INDEX_CACHE_BYTES): a 100,000-patient index and a small one. */
export const DEFAULT_INDEX_CACHE_BYTES = 1536 * 2 ** 20;
/**
 * Cohorts up to this size are indexed while the first search waits (about 1 s per 1,000 patients on
 * one core); a larger cohort's search answers 503 + Retry-After until its background build is done.
 */
export const INDEX_WAIT_PATIENTS = 5_000;
/** Patients generated between yields to the event loop while an index is built. */
const BUILD_CHUNK_PATIENTS = 25;
/**
 * Bytes an index is expected to take per patient (7.0 KB measured on the default model, with room),
 * to refuse before building an index the cache could not keep.
 */
const ESTIMATED_INDEX_BYTES_PER_PATIENT = 8 * 1024;
/** Progress is logged every this many patients. */
const PROGRESS_EVERY_PATIENTS = 10_000;
/** Records regenerated through the record LRU below this many patients; above, they would only churn it. */
const CACHED_REGENERATION_PATIENTS = 50;

type AnyCohorts = CohortService<ModelLike, RecordLike>;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How the provider bounds unscoped search. */
export interface CorpusProviderOptions {
  /** Largest cohort an unscoped search (with criteria or `_sort`) runs over. */
  readonly maxUnscopedPatients?: number;
  /** Byte bound of the compact indexes kept (LRU). */
  readonly indexCacheBytes?: number;
  /** Cohorts up to this size are indexed while the search waits; larger: 503 + Retry-After until built. */
  readonly waitPatients?: number;
  readonly logger?: Logger;
}

/** Where a cohort's index stands on this replica. */
export type IndexState =
  | { readonly state: 'ready'; readonly index: CompactIndex }
  | { readonly state: 'building'; readonly done: number; readonly total: number; readonly startedMs: number; readonly promise: Promise<CompactIndex> };

interface Building {
  done: number;
  readonly total: number;
  readonly startedMs: number;
  readonly promise: Promise<CompactIndex>;
}

/** The naming scheme of a cohort's patients, for the index (search/ knows nothing of cohorts). */
function namingOf(cohort: Cohort): PatientNaming {
  const re = new RegExp(`${cohort.id}-(0|[1-9][0-9]{0,8})`, 'g');
  return {
    patientId: (i) => patientIdOf(cohort.id, i),
    patientIndexesIn: (text) => [...text.matchAll(re)].map((m) => Number(m[1])).filter((i) => i < cohort.spec.size),
  };
}

/**
 * Builds and caches what searches run over: the compact index of a whole cohort (once, in the
 * background, yielding to the event loop), or a corpus of just the patients a search is scoped to.
 */
export class CorpusProvider {
  private readonly indexes: LruCache<string, CompactIndex>;
  private readonly building = new Map<string, Building>();
  private readonly recordCorpora = new WeakMap<RecordLike, ResourceCorpus>();
  readonly maxUnscopedPatients: number;
  readonly waitPatients: number;
  private readonly indexCacheBytes: number;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly cohorts: AnyCohorts,
    options: CorpusProviderOptions = {},
  ) {
    this.maxUnscopedPatients = options.maxUnscopedPatients ?? MAX_UNSCOPED_COHORT_SIZE;
    this.waitPatients = options.waitPatients ?? INDEX_WAIT_PATIENTS;
    this.indexCacheBytes = options.indexCacheBytes ?? DEFAULT_INDEX_CACHE_BYTES;
    this.indexes = new LruCache({ maxEntries: 16, maxBytes: this.indexCacheBytes });
    this.logger = options.logger;
  }

  /** The index cache's bytes and counters (for /metrics). */
  indexCacheStats(): LruStats {
    return this.indexes.stats();
  }

  /** The corpus of one generated record (cached with the record). */
  recordCorpus(record: RecordLike): ResourceCorpus {
    let c = this.recordCorpora.get(record);
    if (c === undefined) {
      c = new ResourceCorpus();
      c.addPatient(record.patientId, this.cohorts.resourcesOf(record));
      this.recordCorpora.set(record, c);
    }
    return c;
  }

  /** TOO_COSTLY when a cohort is above the unscoped limit. */
  checkUnscoped(cohort: Cohort, what = 'searches with criteria or _sort'): void {
    if (cohort.spec.size > this.maxUnscopedPatients) {
      throw new SynthfhirError('TOO_COSTLY', {
        detail: `Cohort ${cohort.id} has ${cohort.spec.size} patients; ${what} over more than ${this.maxUnscopedPatients} (SYNTHFHIR_MAX_UNSCOPED_PATIENTS) must be scoped to patients (subject=, patient= or _id=). Paging without criteria works on any cohort.`,
      });
    }
  }

  /** TOO_COSTLY when a cohort's index would not fit the index cache (it would be rebuilt for every search). */
  private checkFits(cohort: Cohort): void {
    const estimate = cohort.spec.size * ESTIMATED_INDEX_BYTES_PER_PATIENT;
    if (estimate > this.indexCacheBytes) {
      throw new SynthfhirError('TOO_COSTLY', {
        detail: `The search index of cohort ${cohort.id} (${cohort.spec.size} patients, about ${Math.ceil(estimate / 2 ** 20)} MiB) would not fit SYNTHFHIR_INDEX_CACHE_BYTES (${Math.floor(this.indexCacheBytes / 2 ** 20)} MiB); scope the search to patients (subject=, patient= or _id=).`,
      });
    }
  }

  /** The index of a cohort when built on this replica, else undefined (nothing started). */
  readyIndex(cohort: Cohort): CompactIndex | undefined {
    return this.indexes.get(cohort.id);
  }

  /** Starts (or finds) the build of a cohort's index; TOO_COSTLY above the unscoped limit. */
  indexState(cohort: Cohort): IndexState {
    const ready = this.indexes.get(cohort.id);
    if (ready !== undefined) return { state: 'ready', index: ready };
    this.checkUnscoped(cohort);
    this.checkFits(cohort);
    let b = this.building.get(cohort.id);
    if (b === undefined) {
      const entry: Building = { done: 0, total: cohort.spec.size, startedMs: performance.now(), promise: undefined as unknown as Promise<CompactIndex> };
      const promise = this.build(cohort, entry);
      b = { ...entry, promise };
      const slot = b;
      this.building.set(cohort.id, slot);
      promise.then(
        (index) => {
          this.building.delete(cohort.id);
          this.indexes.set(cohort.id, index, index.bytes);
        },
        (err: unknown) => {
          // A failed build is not kept: the next search tries again.
          this.building.delete(cohort.id);
          this.logger?.error({ err, cohortId: cohort.id }, 'search index build failed');
        },
      );
    }
    return { state: 'building', done: b.done, total: b.total, startedMs: b.startedMs, promise: b.promise };
  }

  /** The cohort's index, waiting for its build (starting it if needed). */
  async compactIndex(cohort: Cohort): Promise<CompactIndex> {
    const s = this.indexState(cohort);
    return s.state === 'ready' ? s.index : s.promise;
  }

  /** Whether a cohort's index is built or being built on this replica. */
  hasIndex(cohortId: string): boolean {
    return this.indexes.peek(cohortId) !== undefined || this.building.has(cohortId);
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
    for (const r of records) c.addPatient(r.patientId, this.cohorts.resourcesOf(r));
    return c;
  }

  /** The corpus of patients of a cohort by index, added in ascending index order (so corpus order is cohort order). */
  indexedPatientsCorpus(cohort: Cohort, indexes: readonly number[]): ResourceCorpus {
    const sorted = [...new Set(indexes)].sort((a, b) => a - b);
    if (sorted.length === 1) return this.recordCorpus(this.cohorts.recordAt(cohort, sorted[0]));
    const cached = sorted.length <= CACHED_REGENERATION_PATIENTS;
    const c = new ResourceCorpus();
    for (const i of sorted) {
      const record = cached ? this.cohorts.recordAt(cohort, i) : this.cohorts.generateAt(cohort, i);
      c.addPatient(record.patientId, this.cohorts.resourcesOf(record));
    }
    return c;
  }

  private async build(cohort: Cohort, progress: Building): Promise<CompactIndex> {
    const builder = new CompactIndexBuilder(namingOf(cohort));
    const total = cohort.spec.size;
    const started = performance.now();
    this.logger?.info({ cohortId: cohort.id, patients: total }, 'search index build started');
    for (let i = 0; i < total; i++) {
      if (i > 0 && i % BUILD_CHUNK_PATIENTS === 0) {
        progress.done = i;
        const live = this.building.get(cohort.id);
        if (live !== undefined) live.done = i;
        await yieldToEventLoop();
      }
      if (i > 0 && i % PROGRESS_EVERY_PATIENTS === 0) {
        this.logger?.info({ cohortId: cohort.id, done: i, patients: total, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'search index build progress');
      }
      builder.addPatient(i, this.cohorts.resourcesOf(this.cohorts.generateAt(cohort, i)));
    }
    const index = builder.finish();
    this.logger?.info(
      { cohortId: cohort.id, patients: total, bytes: index.bytes, bytesPerPatient: Math.round(index.bytes / Math.max(1, total)), seconds: Math.round((performance.now() - started) / 100) / 10 },
      'search index built',
    );
    return index;
  }
}

/** The patient index of a patient id in a cohort, or undefined. */
export function patientIndexIn(cohort: Cohort, patientId: string): number | undefined {
  const p = parsePatientId(patientId);
  return p !== undefined && p.cohortId === cohort.id && p.index < cohort.spec.size ? p.index : undefined;
}
