import type { Store } from '../../cohort';
import { createMemoryStore } from '../../cohort';
import { isSynthfhirError, SynthfhirError } from '../../errors';
import { canonicalJson, sha256Hex, systemClock } from '../../util';
import type { ExportSettings } from '../context';

import { PartitionCache } from './export-cache';
import type { ExportJob } from './export-job';
import { parseExportJob } from './export-job';

/** The defaults of config.ts, with an in-process store: for contexts built without settings (tests). */
export const DEFAULT_EXPORT_SETTINGS: Omit<ExportSettings, 'store' | 'partitions'> = {
  patientsPerFile: 2000,
  jobTtlMs: 3600_000,
  maxJobsPerClient: 5,
};

/** Export files' NDJSON kept in Redis this long (partitions are downloaded together, minutes apart at most). */
export const PARTITION_SHARED_TTL_MS = 10 * 60_000;
/** The largest side buffer kept per type while a file is generated (bounds memory per request). */
export const MAX_SIDE_BYTES = 16 * 2 ** 20;

/** The partition cache of a replica: `maxBytes` in process, plus Redis when the store is Redis. */
export function createPartitionCache(store: Store, maxBytes: number): PartitionCache {
  return new PartitionCache({
    maxBytes,
    maxSideBytes: Math.min(MAX_SIDE_BYTES, maxBytes),
    ...(store.kind === 'redis' ? { shared: store } : {}),
    sharedTtlMs: PARTITION_SHARED_TTL_MS,
  });
}

const defaults = new WeakMap<object, ExportSettings>();

/** The settings of a context, or defaults over a memory store of its own (one per context). */
export function exportSettingsOf(ctx: { readonly exports?: ExportSettings }): ExportSettings {
  if (ctx.exports !== undefined) return ctx.exports;
  let s = defaults.get(ctx);
  if (s === undefined) {
    const store = createMemoryStore();
    s = { ...DEFAULT_EXPORT_SETTINGS, store, partitions: createPartitionCache(store, 64 * 2 ** 20) };
    defaults.set(ctx, s);
  }
  return s;
}

const jobKey = (id: string): string => `export:job:${id}`;
/** One key per (client, job), with the job's TTL: a client's live jobs are the keys under its prefix. */
const clientPrefix = (client: string): string => `export:client:${sha256Hex(client).slice(0, 16)}:`;

/** A stored job with the client that kicked it off (to release its slot on DELETE). */
interface StoredJob {
  readonly job: ExportJob;
  readonly owner?: string;
}

function parseStored(text: string | undefined): StoredJob | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { job, owner } = (json ?? {}) as { job?: unknown; owner?: unknown };
  const parsed = parseExportJob(job);
  if (parsed === undefined) return undefined;
  return typeof owner === 'string' ? { job: parsed, owner } : { job: parsed };
}

const formatStored = (s: StoredJob): string => canonicalJson(s);

/**
 * Jobs this replica has written or read, per settings (one per app), with their expiry: read only
 * when the store does not answer, so a running export's status and files keep being served through
 * a Redis outage (a job never changes once planned, and its files are pure functions of it). While
 * the store answers it is the only truth (a job deleted or expired there is gone here too).
 * Measured by test/drills/redis-kill.test.ts.
 */
const SEEN_JOBS_MAX = 1000;
const seenJobs = new WeakMap<ExportSettings, Map<string, { job: ExportJob; expiresAtMs: number }>>();

function seenOf(settings: ExportSettings): Map<string, { job: ExportJob; expiresAtMs: number }> {
  let m = seenJobs.get(settings);
  if (m === undefined) {
    m = new Map();
    seenJobs.set(settings, m);
  }
  return m;
}

/**
 * Export jobs in the Store: created idempotently (the id is a hash of the request), living
 * `jobTtlMs`, counted per client so one client cannot hold more than `maxJobsPerClient`.
 */
export class ExportJobs {
  constructor(private readonly settings: ExportSettings) {}

  async get(id: string): Promise<ExportJob | undefined> {
    let text: string | undefined;
    try {
      text = await this.settings.store.get(jobKey(id));
    } catch (e) {
      const local = seenOf(this.settings).get(id);
      if (isSynthfhirError(e) && e.code === 'SERVICE_UNAVAILABLE' && local !== undefined && local.expiresAtMs > systemClock.nowMs()) return local.job;
      throw e;
    }
    const job = parseStored(text)?.job;
    if (job === undefined) seenOf(this.settings).delete(id);
    else this.remember(job, false);
    return job;
  }

  /** Keeps a job for outages (a fresh expiry when it was just written; else the one already known). */
  private remember(job: ExportJob, written: boolean): void {
    const seen = seenOf(this.settings);
    const had = seen.get(job.id);
    const expiresAtMs = written || had === undefined ? systemClock.nowMs() + this.settings.jobTtlMs : had.expiresAtMs;
    seen.delete(job.id);
    seen.set(job.id, { job, expiresAtMs });
    if (seen.size > SEEN_JOBS_MAX) {
      const oldest = seen.keys().next();
      if (oldest.done !== true) seen.delete(oldest.value);
    }
  }

  /**
   * Stores a new job, or returns the live job with the same id (the same request again). A client
   * already holding maxJobsPerClient other jobs gets 429 TOO_MANY_REQUESTS naming the limit.
   */
  async create(job: ExportJob, client: string | undefined): Promise<ExportJob> {
    const { store, jobTtlMs, maxJobsPerClient } = this.settings;
    const existing = await this.get(job.id);
    if (existing !== undefined) return existing;
    const owner = client === undefined ? undefined : clientPrefix(client);
    if (owner !== undefined) {
      const held = (await store.keys(owner)).length;
      if (held >= maxJobsPerClient) {
        throw new SynthfhirError('TOO_MANY_REQUESTS', {
          detail: `$export: this client already holds ${held} export jobs, the limit (SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT) is ${maxJobsPerClient}; DELETE a finished job's status URL, or wait for one to expire.`,
        });
      }
    }
    const wrote = await store.set(jobKey(job.id), formatStored({ job, ...(owner !== undefined ? { owner } : {}) }), {
      onlyIfAbsent: true,
      ttlMs: jobTtlMs,
    });
    if (!wrote) return (await this.get(job.id)) ?? job;
    if (owner !== undefined) await store.set(`${owner}${job.id}`, '1', { ttlMs: jobTtlMs });
    this.remember(job, true);
    return job;
  }

  /** Replaces a live job's record, keeping its expiry; false when it is gone (deleted, expired). */
  async update(job: ExportJob): Promise<boolean> {
    const { store } = this.settings;
    const text = await store.get(jobKey(job.id));
    const stored = parseStored(text);
    const ttl = await store.ttlMs(jobKey(job.id));
    if (stored === undefined || ttl === undefined) return false;
    await store.set(jobKey(job.id), formatStored({ ...stored, job }), Number.isFinite(ttl) ? { ttlMs: ttl } : {});
    this.remember(job, false);
    return true;
  }

  /** Deletes a job and releases its client's slot; false when there was no such job. */
  async delete(id: string): Promise<boolean> {
    const { store } = this.settings;
    const stored = parseStored(await store.get(jobKey(id)));
    if (stored === undefined) return false;
    const keys = [jobKey(id), ...(stored.owner !== undefined ? [`${stored.owner}${id}`] : [])];
    const deleted = (await store.delete(...keys)) > 0;
    seenOf(this.settings).delete(id);
    return deleted;
  }
}
