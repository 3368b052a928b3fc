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
  SYNTHFHIR_BASE_URL: z.string().url().optional(),
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
    baseUrl: e.SYNTHFHIR_BASE_URL,
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
