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
  readonly recordCacheSize: number;
  /** Public base URL for links in bundles (unset: derived from the request). */
  readonly baseUrl: string | undefined;
  /** Bulk Data `$export`: patients per output file (a partition of patient indexes). */
  readonly exportPatientsPerFile: number;
  /** How long an export job (status URL and files) lives after its kick-off. */
  readonly exportJobTtlSeconds: number;
  /** Export jobs one client may hold at once (kicked off, not yet deleted or expired); more → 429. */
  readonly exportMaxJobsPerClient: number;
  /** Megabytes of export-file NDJSON kept in process (so a partition is generated once for all its types). */
  readonly exportCacheMb: number;
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
  SYNTHFHIR_BASE_URL: z.string().url().optional(),
  SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: intIn(1, 1_000_000).default(2000),
  SYNTHFHIR_EXPORT_JOB_TTL_SECONDS: intIn(60, 30 * 24 * 3600).default(3600),
  SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT: intIn(1, 10_000).default(5),
  SYNTHFHIR_EXPORT_CACHE_MB: intIn(0, 100_000).default(64),
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
    baseUrl: e.SYNTHFHIR_BASE_URL,
    exportPatientsPerFile: e.SYNTHFHIR_EXPORT_PATIENTS_PER_FILE,
    exportJobTtlSeconds: e.SYNTHFHIR_EXPORT_JOB_TTL_SECONDS,
    exportMaxJobsPerClient: e.SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT,
    exportCacheMb: e.SYNTHFHIR_EXPORT_CACHE_MB,
  });
}

/** The configuration of this process. */
export function configFromProcess(): Config {
  return loadConfig(process.env);
}
