import { z } from 'zod';

import { InvalidInputError } from './errors';
import { parseIsoDate } from './util';

/** The server's configuration, read once from the environment. See: README "Configuration". */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: the in-process memory store. */
  readonly redisUrl: string | undefined;
  /** Key prefix for every Redis key this process writes. */
  readonly redisPrefix: string;
  /** Default cohort "now" (YYYY-MM-DD). */
  readonly asOf: string;
  /** Size of the default cohort served at start. */
  readonly defaultCohortSize: number;
  /** Seed of the default cohort. */
  readonly defaultCohortSeed: number;
  /** Path of the default model (relative paths resolve from the working directory). */
  readonly modelPath: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly maxCount: number;
  readonly defaultCount: number;
  readonly maxBodyBytes: number;
  readonly lookbackYears: number;
  /** Most generated patient records kept in memory (an entry bound; 0 disables the cache). */
  readonly recordCacheSize: number;
  /** Balanced cohorts: strata with fewer effective training records get a warning. */
  readonly thinStratumRecords: number;
  /** Most estimated bytes of generated records kept in memory (the bound that matters for RSS). */
  readonly recordCacheBytes: number;
  /** Most bytes of serialized read responses kept for the read fast path (0 disables it). */
  readonly bodyCacheBytes: number;
  /** Largest cohort an unscoped search with criteria or `_sort` runs over (its compact index). */
  readonly maxUnscopedPatients: number;
  /** Most bytes of compact search indexes kept in memory (LRU by cohort). */
  readonly indexCacheBytes: number;
  /** Public base URL for links in bundles (unset: derived from the request). */
  readonly baseUrl: string | undefined;
  /** GraphQL limits, checked before execution (refused with TOO_COSTLY naming the limit). */
  readonly graphqlMaxDepth: number;
  readonly graphqlMaxFields: number;
  readonly graphqlMaxAliases: number;
  readonly graphqlMaxCost: number;
  /** Largest `n` of the own API's sample(). */
  readonly graphqlMaxSample: number;
  readonly graphqlIntrospection: boolean;
  /** Bulk Data `$export`: patients per output file (a partition of patient indexes). */
  readonly exportPatientsPerFile: number;
  /** How long an export job (status URL and files) lives after its kick-off. */
  readonly exportJobTtlSeconds: number;
  /** Export jobs one client may hold at once (kicked off, not yet deleted or expired); more → 429. */
  readonly exportMaxJobsPerClient: number;
  /** Megabytes of export-file NDJSON kept in process (so a partition is generated once for all its types). */
  readonly exportCacheMb: number;
  /** Longest request target (path + query) in bytes; longer → 414. */
  readonly maxUrlBytes: number;
  /** node:http server.headersTimeout: time to receive a request's headers. */
  readonly headersTimeoutMs: number;
  /** node:http server.requestTimeout: time to receive a whole request. */
  readonly requestTimeoutMs: number;
  /** node:http server.keepAliveTimeout: idle keep-alive connections close after this. */
  readonly keepAliveTimeoutMs: number;
  /** On SIGTERM/close, how long in-flight requests may finish before connections are closed. */
  readonly shutdownTimeoutMs: number;
  /** CORS allowed origins ('*' for any); empty: CORS off (no CORS headers). */
  readonly corsOrigins: readonly string[];
}

const intIn = (lo: number, hi: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= lo && n <= hi, `must be between ${lo} and ${hi}`);

const ENV_SCHEMA = z.object({
  PORT: intIn(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_PREFIX: z.string().min(1).default('synthfhir:'),
  SYNTHFHIR_AS_OF: z
    .string()
    .refine((s) => parseIsoDate(s) !== undefined, 'must be a date YYYY-MM-DD')
    .default('2025-01-01'),
  SYNTHFHIR_DEFAULT_COHORT_SIZE: intIn(1, 10_000_000).default(1000),
  SYNTHFHIR_DEFAULT_COHORT_SEED: intIn(0, 2 ** 31).default(1),
  SYNTHFHIR_MODEL: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SYNTHFHIR_MAX_COUNT: intIn(1, 10_000).default(1000),
  SYNTHFHIR_DEFAULT_COUNT: intIn(1, 10_000).default(20),
  SYNTHFHIR_MAX_BODY_BYTES: intIn(1024, 100_000_000).default(1_000_000),
  SYNTHFHIR_LOOKBACK_YEARS: intIn(1, 20).default(3),
  SYNTHFHIR_RECORD_CACHE_SIZE: intIn(0, 10_000_000).default(5000),
  SYNTHFHIR_THIN_STRATUM_RECORDS: intIn(0, 1_000_000).default(30),
  // 32 MiB of records (about 200 KB each with their search indexes: ~170 patients) kept a server
  // under 300 MB RSS on a 1,000,000-patient cohort (bench/memory.ts: peak 270 MB; 64 MiB peaked at
  // 390 MB, most of it garbage between major GCs).
  SYNTHFHIR_RECORD_CACHE_BYTES: intIn(0, 64 * 2 ** 30).default(32 * 2 ** 20),
  // 16 MiB of serialized read bodies (about 1-3 KB each): ~8,000 resources answered without the router.
  SYNTHFHIR_BODY_CACHE_BYTES: intIn(0, 64 * 2 ** 30).default(16 * 2 ** 20),
  // 100,000 patients: about 0.7 GB of compact index (7 KB per patient, bench/search-index.ts).
  SYNTHFHIR_MAX_UNSCOPED_PATIENTS: intIn(1, 10_000_000).default(100_000),
  // 1.5 GiB: the index of a 100,000-patient cohort and a smaller one.
  SYNTHFHIR_INDEX_CACHE_BYTES: intIn(0, 256 * 2 ** 30).default(1536 * 2 ** 20),
  SYNTHFHIR_BASE_URL: z.string().url().optional(),
  SYNTHFHIR_GRAPHQL_MAX_DEPTH: intIn(2, 100).default(15),
  SYNTHFHIR_GRAPHQL_MAX_FIELDS: intIn(1, 100_000).default(1000),
  SYNTHFHIR_GRAPHQL_MAX_ALIASES: intIn(0, 10_000).default(50),
  SYNTHFHIR_GRAPHQL_MAX_COST: intIn(1, 100_000_000).default(100_000),
  SYNTHFHIR_GRAPHQL_MAX_SAMPLE: intIn(1, 100_000).default(1000),
  SYNTHFHIR_GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).default('true'),
  SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: intIn(1, 1_000_000).default(2000),
  SYNTHFHIR_EXPORT_JOB_TTL_SECONDS: intIn(60, 30 * 24 * 3600).default(3600),
  SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT: intIn(1, 10_000).default(5),
  SYNTHFHIR_EXPORT_CACHE_MB: intIn(0, 100_000).default(64),
  SYNTHFHIR_MAX_URL_BYTES: intIn(256, 16_000).default(8192),
  SYNTHFHIR_HEADERS_TIMEOUT_MS: intIn(100, 600_000).default(10_000),
  SYNTHFHIR_REQUEST_TIMEOUT_MS: intIn(100, 3_600_000).default(60_000),
  SYNTHFHIR_KEEP_ALIVE_TIMEOUT_MS: intIn(100, 600_000).default(5_000),
  SYNTHFHIR_SHUTDOWN_TIMEOUT_MS: intIn(0, 600_000).default(10_000),
  SYNTHFHIR_CORS_ORIGINS: z
    .string()
    .transform((s) => s.split(',').map((o) => o.trim()).filter((o) => o !== ''))
    .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), 'must be * or comma-separated origins like https://app.example.org')
    .optional(),
});

/** Parses an environment into a frozen Config; throws one InvalidInputError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = ENV_SCHEMA.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new InvalidInputError(`Bad configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.SYNTHFHIR_HEADERS_TIMEOUT_MS > e.SYNTHFHIR_REQUEST_TIMEOUT_MS) {
    throw new InvalidInputError('Bad configuration: SYNTHFHIR_HEADERS_TIMEOUT_MS must not exceed SYNTHFHIR_REQUEST_TIMEOUT_MS');
  }
  if (e.SYNTHFHIR_DEFAULT_COUNT > e.SYNTHFHIR_MAX_COUNT) {
    throw new InvalidInputError(
      'Bad configuration: SYNTHFHIR_DEFAULT_COUNT must not exceed SYNTHFHIR_MAX_COUNT',
    );
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    asOf: e.SYNTHFHIR_AS_OF,
    defaultCohortSize: e.SYNTHFHIR_DEFAULT_COHORT_SIZE,
    defaultCohortSeed: e.SYNTHFHIR_DEFAULT_COHORT_SEED,
    modelPath: e.SYNTHFHIR_MODEL,
    logLevel: e.LOG_LEVEL,
    maxCount: e.SYNTHFHIR_MAX_COUNT,
    defaultCount: e.SYNTHFHIR_DEFAULT_COUNT,
    maxBodyBytes: e.SYNTHFHIR_MAX_BODY_BYTES,
    lookbackYears: e.SYNTHFHIR_LOOKBACK_YEARS,
    recordCacheSize: e.SYNTHFHIR_RECORD_CACHE_SIZE,
    thinStratumRecords: e.SYNTHFHIR_THIN_STRATUM_RECORDS,
    recordCacheBytes: e.SYNTHFHIR_RECORD_CACHE_BYTES,
    bodyCacheBytes: e.SYNTHFHIR_BODY_CACHE_BYTES,
    maxUnscopedPatients: e.SYNTHFHIR_MAX_UNSCOPED_PATIENTS,
    indexCacheBytes: e.SYNTHFHIR_INDEX_CACHE_BYTES,
    baseUrl: e.SYNTHFHIR_BASE_URL,
    graphqlMaxDepth: e.SYNTHFHIR_GRAPHQL_MAX_DEPTH,
    graphqlMaxFields: e.SYNTHFHIR_GRAPHQL_MAX_FIELDS,
    graphqlMaxAliases: e.SYNTHFHIR_GRAPHQL_MAX_ALIASES,
    graphqlMaxCost: e.SYNTHFHIR_GRAPHQL_MAX_COST,
    graphqlMaxSample: e.SYNTHFHIR_GRAPHQL_MAX_SAMPLE,
    graphqlIntrospection: e.SYNTHFHIR_GRAPHQL_INTROSPECTION === 'true',
    exportPatientsPerFile: e.SYNTHFHIR_EXPORT_PATIENTS_PER_FILE,
    exportJobTtlSeconds: e.SYNTHFHIR_EXPORT_JOB_TTL_SECONDS,
    exportMaxJobsPerClient: e.SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT,
    exportCacheMb: e.SYNTHFHIR_EXPORT_CACHE_MB,
    maxUrlBytes: e.SYNTHFHIR_MAX_URL_BYTES,
    headersTimeoutMs: e.SYNTHFHIR_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.SYNTHFHIR_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.SYNTHFHIR_KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: e.SYNTHFHIR_SHUTDOWN_TIMEOUT_MS,
    corsOrigins: Object.freeze(e.SYNTHFHIR_CORS_ORIGINS ?? []),
  });
}

/** The configuration of this process. */
export function configFromProcess(): Config {
  return loadConfig(process.env);
}
