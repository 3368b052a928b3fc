import { NotFoundError } from '../errors';
import { streamFor } from '../random';
import type { Row, WhereJson } from '../schema';
import { canonicalJson } from '../util';

import type { ModelLike, PatientEngine, RecordLike, ResourceLike, SamplerLike } from './engine';
import { LruCache } from './lru';
import type { ModelRegistry } from './model-registry';
import { parsePatientId, patientIdOf } from './patient-id';
import type { CohortSpec } from './spec';
import { cohortIdOf, isCohortId, parseCohortSpec } from './spec';
import type { Store } from './store';

/** A registered cohort: its id and the spec it was registered with. */
export interface Cohort {
  readonly id: string;
  readonly spec: CohortSpec;
}

/** What a client asks for; the service fills model, asOf and look-back from its defaults. */
export interface CohortRequest {
  readonly size: number;
  readonly seed: number;
  readonly modelHash?: string;
  readonly asOf?: string;
  readonly lookbackYears?: number;
  readonly where?: WhereJson;
  readonly name?: string;
}

export interface CohortServiceOptions<M extends ModelLike, R extends RecordLike> {
  readonly store: Store;
  readonly models: ModelRegistry<M>;
  readonly engine: PatientEngine<M, R>;
  /** Generated records kept in memory (LRU); 0 disables the cache. */
  readonly recordCacheSize: number;
  readonly defaults: { readonly asOf: string; readonly lookbackYears: number };
}

/**
 * Cohorts resolved on this replica (spec + model + prepared sampler). A cohort id names an
 * immutable spec, so entries never go stale; the bound only caps memory.
 */
const RESOLVED_COHORT_CACHE_SIZE = 1000;

/** The Store key of a cohort spec. */
export function cohortKey(id: string): string {
  return `cohort:${id}`;
}

interface Resolved<M> {
  readonly cohort: Cohort;
  readonly model: M;
  sampler?: SamplerLike;
}

/**
 * The cohort registry and the patient factory: specs live in the Store so any replica resolves
 * any cohort id; patients are regenerated from (model, cohort, index) and cached only to save work.
 * See: DESIGN.md "a patient is a pure function", "Cohorts".
 */
export class CohortService<M extends ModelLike, R extends RecordLike> {
  private readonly resolved = new LruCache<string, Resolved<M>>(RESOLVED_COHORT_CACHE_SIZE);
  private readonly records: LruCache<string, R>;

  constructor(private readonly options: CohortServiceOptions<M, R>) {
    this.records = new LruCache(options.recordCacheSize);
  }

  get models(): ModelRegistry<M> {
    return this.options.models;
  }

  /**
   * Registers a cohort (idempotent: the same request gives the same id on any replica). The where
   * is validated and normalised against the model's schema, and the sampler prepared, so an
   * unsupported subgroup fails here (422) rather than on first read. The first name registered wins.
   */
  async register(request: CohortRequest): Promise<Cohort> {
    const { models, engine, defaults, store } = this.options;
    const model = request.modelHash === undefined ? models.default : models.get(request.modelHash);
    const where =
      request.where === undefined || Object.keys(request.where).length === 0
        ? undefined
        : engine.normaliseWhere(model, request.where);
    const spec = parseCohortSpec({
      size: request.size,
      seed: request.seed,
      modelHash: model.hash,
      asOf: request.asOf ?? defaults.asOf,
      lookbackYears: request.lookbackYears ?? defaults.lookbackYears,
      ...(where !== undefined && Object.keys(where).length > 0 ? { where } : {}),
      ...(request.name !== undefined ? { name: request.name } : {}),
    });
    const id = cohortIdOf(spec);
    const sampler = engine.prepareSampler(model, spec.where);
    const wrote = await store.set(cohortKey(id), canonicalJson(spec), { onlyIfAbsent: true });
    const cohort = wrote ? { id, spec } : await this.resolveFromStore(id);
    this.resolved.set(id, { cohort, model, sampler });
    return cohort;
  }

  /** The registered cohort with this id; NOT_FOUND when no replica registered it. */
  async resolve(id: string): Promise<Cohort> {
    return (await this.resolveEntry(id)).cohort;
  }

  /** The cohort if this replica has already resolved it (no Store round trip), else undefined. */
  cachedCohort(id: string): Cohort | undefined {
    return this.resolved.get(id)?.cohort;
  }

  /** The model of a resolved cohort. */
  async modelOf(cohort: Cohort): Promise<M> {
    return (await this.resolveEntry(cohort.id)).model;
  }

  /**
   * Patient `index`'s profile: the cohort's sampler fed by the stream
   * (modelHash, cohortId, index, 'profile'). Pure in (model, cohort, index).
   */
  profileAt(cohort: Cohort, index: number): Row {
    const entry = this.entryFor(cohort);
    entry.sampler ??= this.options.engine.prepareSampler(entry.model, cohort.spec.where);
    return entry.sampler.sample(
      streamFor({ modelHash: cohort.spec.modelHash, cohortId: cohort.id, index, part: 'profile' }),
    );
  }

  /** Patient `index`'s full record (regenerated, or from the LRU cache). */
  recordAt(cohort: Cohort, index: number): R {
    this.checkIndex(cohort, index);
    const patientId = patientIdOf(cohort.id, index);
    const cached = this.records.get(patientId);
    if (cached !== undefined) return cached;
    const record = this.generate(cohort, index);
    this.records.set(patientId, record);
    return record;
  }

  /**
   * Patient `index`'s full record, always regenerated and never put in the LRU: for streaming whole
   * cohorts (Bulk Data `$export`), where caching would only churn memory and evict the records
   * interactive reads reuse. The same bytes as recordAt.
   */
  generateAt(cohort: Cohort, index: number): R {
    this.checkIndex(cohort, index);
    return this.generate(cohort, index);
  }

  private generate(cohort: Cohort, index: number): R {
    const entry = this.entryFor(cohort);
    return this.options.engine.generatePatientRecord(this.profileAt(cohort, index), {
      schema: entry.model.schema,
      modelHash: cohort.spec.modelHash,
      cohortId: cohort.id,
      index,
      asOf: cohort.spec.asOf,
      lookbackYears: cohort.spec.lookbackYears,
    });
  }

  /** The record of a patient id; NOT_FOUND for a malformed id, unknown cohort or index out of range. */
  async recordOf(patientId: string): Promise<{ cohort: Cohort; index: number; record: R }> {
    const parsed = parsePatientId(patientId);
    if (parsed === undefined) throw new NotFoundError(`Patient "${patientId}" does not exist.`);
    const cohort = await this.resolve(parsed.cohortId);
    if (parsed.index >= cohort.spec.size) {
      throw new NotFoundError(
        `Patient "${patientId}" does not exist: cohort ${cohort.id} has ${cohort.spec.size} patients (0-${cohort.spec.size - 1}).`,
      );
    }
    return { cohort, index: parsed.index, record: this.recordAt(cohort, parsed.index) };
  }

  /**
   * recordOf without a Store round trip when this replica has already resolved the cohort (the hot
   * read path); undefined when it has not, so the caller falls back to recordOf. Throws NOT_FOUND
   * like recordOf for an index outside a known cohort.
   */
  recordIfResolved(patientId: string): { cohort: Cohort; index: number; record: R } | undefined {
    const parsed = parsePatientId(patientId);
    if (parsed === undefined) return undefined;
    const cohort = this.resolved.get(parsed.cohortId)?.cohort;
    if (cohort === undefined || parsed.index >= cohort.spec.size) return undefined;
    return { cohort, index: parsed.index, record: this.recordAt(cohort, parsed.index) };
  }

  /** Every resource of a record, through the engine (so fhir/ needs no generate/ import). */
  resourcesOf(record: R): readonly ResourceLike[] {
    return this.options.engine.allResources(record);
  }

  private checkIndex(cohort: Cohort, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= cohort.spec.size) {
      throw new NotFoundError(
        `Patient index ${index} is outside cohort ${cohort.id} (size ${cohort.spec.size}).`,
      );
    }
  }

  private entryFor(cohort: Cohort): Resolved<M> {
    const hit = this.resolved.get(cohort.id);
    if (hit !== undefined) return hit;
    // A Cohort object only comes from register/resolve, but the LRU may have dropped it since:
    // the spec is in hand, so rebuild the entry without a Store round trip.
    const entry: Resolved<M> = { cohort, model: this.options.models.get(cohort.spec.modelHash) };
    this.resolved.set(cohort.id, entry);
    return entry;
  }

  private async resolveEntry(id: string): Promise<Resolved<M>> {
    const hit = this.resolved.get(id);
    if (hit !== undefined) return hit;
    const cohort = await this.resolveFromStore(id);
    const entry: Resolved<M> = { cohort, model: this.options.models.get(cohort.spec.modelHash) };
    this.resolved.set(id, entry);
    return entry;
  }

  private async resolveFromStore(id: string): Promise<Cohort> {
    const text = isCohortId(id) ? await this.options.store.get(cohortKey(id)) : undefined;
    if (text === undefined) throw new NotFoundError(`Cohort "${id}" is not registered.`);
    return { id, spec: parseCohortSpec(JSON.parse(text)) };
  }
}
