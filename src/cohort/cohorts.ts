import { NotFoundError } from '../errors';
import { streamFor } from '../random';
import type { Row, WhereJson } from '../schema';
import { canonicalJson } from '../util';

import type { ModelLike, PatientEngine, RecordLike, ResourceLike, SamplerLike } from './engine';
import { LruCache } from './lru';
import type { LruStats } from './lru';
import type { ModelRegistry } from './model-registry';
import { parsePatientId, patientIdOf } from './patient-id';
import type { CohortSpec } from './spec';
import { cohortIdOf, isCohortId, parseCohortSpec } from './spec';
import type { StrataPlan, Stratum } from './strata';
import { DEFAULT_THIN_STRATUM_RECORDS, planStrata, WHOLE_COHORT_STRATUM } from './strata';
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
  /** The balance as the client wrote it (validated by register; see balance.ts). */
  readonly balance?: unknown;
  readonly name?: string;
  /** "record" for a twin cohort (see CohortSpec.conditioning). */
  readonly conditioning?: 'record';
}

/** A patient's place in its cohort: its stratum key and importance weight (1 without balance). */
export interface CohortMember {
  readonly stratum: string;
  readonly weight: number;
}

export interface CohortServiceOptions<M extends ModelLike, R extends RecordLike> {
  readonly store: Store;
  readonly models: ModelRegistry<M>;
  readonly engine: PatientEngine<M, R>;
  /** Generated records kept in memory (LRU); 0 disables the cache. */
  readonly recordCacheSize: number;
  /**
   * Estimated bytes of generated records kept in memory (LRU, with recordCacheSize; unset: no
   * byte bound). A record is weighed by estimateRecordBytes (issue 11 §2).
   */
  readonly recordCacheBytes?: number;
  readonly defaults: { readonly asOf: string; readonly lookbackYears: number };
  /** Strata with fewer effective training records are accepted with a warning (config SYNTHFHIR_THIN_STRATUM_RECORDS). */
  readonly thinStratumRecords?: number;
}

/**
 * Cohorts resolved on this replica (spec + model + prepared sampler). A cohort id names an
 * immutable spec, so entries never go stale; the bound only caps memory.
 */
const RESOLVED_COHORT_CACHE_SIZE = 1000;

function samplerOptions(spec: CohortSpec): { readonly record?: boolean } | undefined {
  return spec.conditioning === 'record' ? { record: true } : undefined;
}

/**
 * Heap bytes of a cached record, estimated from its resource count: a generated record's objects
 * plus the per-record search corpus built on it (kept as long as the record), measured at about
 * 2.6 KB per resource on the NHANES default model (bench/memory.ts prints the measured figure).
 * A count is cheap; serialising a record to weigh it would cost more than generating it.
 */
export function estimateRecordBytes(resourceCount: number): number {
  return RECORD_BASE_BYTES + resourceCount * RECORD_BYTES_PER_RESOURCE;
}
const RECORD_BASE_BYTES = 4096;
const RECORD_BYTES_PER_RESOURCE = 2600;

/** The Store key of a cohort spec. */
export function cohortKey(id: string): string {
  return `cohort:${id}`;
}

interface Resolved<M> {
  readonly cohort: Cohort;
  readonly model: M;
  sampler?: SamplerLike;
  /** Strata, allocation and weights (computed on first use; at registration for balanced cohorts). */
  plan?: StrataPlan;
  /** One sampler per stratum of a balanced cohort, prepared on first use. */
  stratumSamplers?: (SamplerLike | undefined)[];
}

/**
 * The cohort registry and the patient factory: specs live in the Store so any replica resolves
 * any cohort id; patients are regenerated from (model, cohort, index) and cached only to save work.
 * See: docs/ARCHITECTURE.md "A patient is a pure function", "Cohorts".
 */
export class CohortService<M extends ModelLike, R extends RecordLike> {
  private readonly resolved = new LruCache<string, Resolved<M>>(RESOLVED_COHORT_CACHE_SIZE);
  private readonly records: LruCache<string, R>;

  constructor(private readonly options: CohortServiceOptions<M, R>) {
    // --- record cache bounded by bytes (issue 11 §2) ---
    this.records = new LruCache({
      maxEntries: options.recordCacheSize,
      ...(options.recordCacheBytes !== undefined ? { maxBytes: options.recordCacheBytes } : {}),
    });
  }

  /** The record cache's size and hit counters (for /metrics). */
  recordCacheStats(): LruStats {
    return this.records.stats();
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
      ...(request.balance !== undefined ? { balance: request.balance } : {}),
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.conditioning !== undefined ? { conditioning: request.conditioning } : {}),
    });
    const id = cohortIdOf(spec);
    const sampler = engine.prepareSampler(model, spec.where, samplerOptions(spec));
    // A balanced cohort's strata are checked now, so an infeasible one fails here (422), not on first read.
    const plan = spec.balance !== undefined ? this.planFor(model, spec) : undefined;
    const wrote = await store.set(cohortKey(id), canonicalJson(spec), { onlyIfAbsent: true });
    const cohort = wrote ? { id, spec } : await this.resolveFromStore(id);
    this.resolved.set(id, { cohort, model, sampler, ...(plan !== undefined ? { plan } : {}) });
    return cohort;
  }

  /**
   * The cohort's strata in canonical order (key, count, population share, weight, support, thin);
   * one stratum `all` for a cohort without balance. See: strata.ts.
   */
  strataOf(cohort: Cohort): readonly Stratum[] {
    return this.planOf(cohort).strata;
  }

  /** Warnings about a cohort (thinly supported strata), as register's callers report them. */
  warningsOf(cohort: Cohort): readonly string[] {
    return this.planOf(cohort).warnings;
  }

  /** Patient `index`'s stratum and importance weight: O(log S), no sampling. */
  memberOf(cohort: Cohort, index: number): CohortMember {
    this.checkIndex(cohort, index);
    if (cohort.spec.balance === undefined) return { stratum: WHOLE_COHORT_STRATUM, weight: 1 };
    const plan = this.planOf(cohort);
    const s = plan.strata[plan.stratumAt(index)];
    return { stratum: s.key, weight: s.weight ?? 0 };
  }

  /** Cohorts registered in the Store (any replica), ids sorted; for listing, not hot paths. */
  async listIds(): Promise<string[]> {
    const keys = await this.options.store.keys(cohortKey(''));
    return keys
      .map((k) => k.slice(cohortKey('').length))
      .filter(isCohortId)
      .sort();
  }

  private planOf(cohort: Cohort): StrataPlan {
    const entry = this.entryFor(cohort);
    entry.plan ??= this.planFor(entry.model, cohort.spec);
    return entry.plan;
  }

  private planFor(model: M, spec: CohortSpec): StrataPlan {
    const { engine } = this.options;
    return planStrata({
      schema: model.schema,
      size: spec.size,
      where: spec.where,
      balance: spec.balance,
      support: (where) => engine.support(model, where),
      probabilityFloor: engine.probabilityFloor,
      thinStratumRecords: this.options.thinStratumRecords ?? DEFAULT_THIN_STRATUM_RECORDS,
    });
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
    const rng = streamFor({ modelHash: cohort.spec.modelHash, cohortId: cohort.id, index, part: 'profile' });
    if (cohort.spec.balance === undefined) {
      entry.sampler ??= this.options.engine.prepareSampler(entry.model, cohort.spec.where, samplerOptions(cohort.spec));
      return entry.sampler.sample(rng);
    }
    entry.plan ??= this.planFor(entry.model, cohort.spec);
    const s = entry.plan.stratumAt(index);
    const samplers = (entry.stratumSamplers ??= new Array<SamplerLike | undefined>(entry.plan.strata.length));
    const sampler = (samplers[s] ??= this.options.engine.prepareSampler(entry.model, entry.plan.strata[s].where, samplerOptions(cohort.spec)));
    return sampler.sample(rng);
  }

  /** Patient `index`'s full record (regenerated, or from the LRU cache). */
  recordAt(cohort: Cohort, index: number): R {
    this.checkIndex(cohort, index);
    const patientId = patientIdOf(cohort.id, index);
    const cached = this.records.get(patientId);
    if (cached !== undefined) return cached;
    const record = this.generate(cohort, index);
    this.records.set(patientId, record, estimateRecordBytes(this.options.engine.allResources(record).length));
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
      // Only balanced cohorts carry the extension: unbalanced patients keep their bytes.
      ...(cohort.spec.balance !== undefined ? { cohortMember: this.memberOf(cohort, index) } : {}),
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
