import { readFileSync } from 'node:fs';

import pino from 'pino';

import type { Cohort, ModelLike, PatientEngine, RecordLike, Store } from './cohort';
import type { ModelRegistry } from './cohort';
import { CohortService, createDefaultEngine, createMemoryStore, createRedisStore, loadModels } from './cohort';
import type { Config } from './config';
import type { FhirRouter, Logger, SearchPort } from './fhir';
import { CorpusProvider, createFhirRouter, createSearchPort, MAX_UNSCOPED_COHORT_SIZE } from './fhir';
import { loadReports, reportHandler } from './evaluate';
import { createHttpApp } from './http';

/** The hardened node:http server (timeouts, OperationOutcome for refused requests), for server.ts. */
export { createHardenedServer } from './http';
import { packageFile } from './util';

let shippedReports: ReturnType<typeof loadReports> | undefined;
/** The trust reports shipped in seeds/ (read once, on first request), by model hash. */
function lookupReport(hash: string): ReturnType<ReturnType<typeof loadReports>['get']> {
  shippedReports ??= loadReports(packageFile('seeds'));
  return shippedReports.get(hash);
}

/** Log bytes buffered before a write to stdout (flushed on close). */
const LOG_BUFFER_BYTES = 4096;

/** What the composition root can be given instead of building it (tests, benches, the CLI). */
export interface AppOptions {
  readonly logger?: Logger & { level?: string };
  /** A store the caller owns (and closes); default: Redis when config.redisUrl, else memory. */
  readonly store?: Store;
  /** The models served; default: the model at config.modelPath, else the embedded default. */
  readonly models?: ModelRegistry<ModelLike>;
  /** model/ + generate/ behind cohort's seam; default: the real modules. */
  readonly engine?: PatientEngine<ModelLike, RecordLike>;
  /** fhir/search behind the router's seam; default: the real search. */
  readonly search?: SearchPort;
  /** Build the default cohort's search corpus in the background at start (the server does). */
  readonly warmDefaultCohort?: boolean;
}

export interface App {
  /** The express app (listen on it, or hand it to supertest). */
  readonly app: ReturnType<typeof createHttpApp>;
  readonly router: FhirRouter;
  readonly cohorts: CohortService<ModelLike, RecordLike>;
  readonly corpora: CorpusProvider;
  readonly defaultCohort: Cohort;
  readonly store: Store;
  readonly logger: Logger;
  /** Releases what createApp opened (the store it created). Idempotent. */
  close(): Promise<void>;
}

function softwareVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The composition root: store (memory unless REDIS_URL), models, cohort registry with the default
 * cohort, FHIR router, express app. `npm start` serves the embedded default model with no Redis and
 * no CSV. See: CONVENTIONS.md §1 "app.ts".
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  // Asynchronous, buffered stdout: a synchronous write per request line cost more than a cached
  // read itself (bench/http.ts). close() flushes it.
  const destination = options.logger === undefined ? pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES }) : undefined;
  const logger: Logger = options.logger ?? pino({ level: config.logLevel }, destination);
  const engine: PatientEngine<ModelLike, RecordLike> = options.engine ?? createDefaultEngine();
  const search = options.search ?? createSearchPort();
  const models: ModelRegistry<ModelLike> = options.models ?? loadModels(config.modelPath);
  const ownStore = options.store === undefined;
  const store =
    options.store ??
    (config.redisUrl !== undefined
      ? await createRedisStore({ url: config.redisUrl, prefix: config.redisPrefix })
      : createMemoryStore());
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (ownStore) await store.close();
    destination?.flushSync();
  };
  try {
    const cohorts = new CohortService({
      store,
      models,
      engine,
      recordCacheSize: config.recordCacheSize,
      defaults: { asOf: config.asOf, lookbackYears: config.lookbackYears },
    });
    const defaultCohort = await cohorts.register({
      size: config.defaultCohortSize,
      seed: config.defaultCohortSeed,
      name: 'default',
    });
    const corpora = new CorpusProvider(cohorts);
    const router = createFhirRouter({
      cohorts,
      corpora,
      search,
      defaultCohortId: defaultCohort.id,
      defaultCount: config.defaultCount,
      maxCount: config.maxCount,
      asOf: config.asOf,
      software: { name: 'synthfhir', version: softwareVersion() },
      logger,
    });
    // GraphQL (a later issue) registers `$graphql` on the router here and mounts /graphql through
    // createHttpApp's `mount` hook; fhir/ never imports graphql/.
    const app = createHttpApp({
      router,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      maxUrlBytes: config.maxUrlBytes,
      corsOrigins: config.corsOrigins,
      reports: reportHandler(lookupReport),
      ...(config.baseUrl !== undefined ? { baseUrl: config.baseUrl } : {}),
      health: async () => {
        await store.ping();
        return { store: store.kind, defaultCohort: defaultCohort.id };
      },
    });
    // Too large a default cohort is served by reads and patient-scoped searches only (see corpora.ts).
    if (options.warmDefaultCohort === true && defaultCohort.spec.size <= MAX_UNSCOPED_COHORT_SIZE) {
      corpora.cohortCorpus(defaultCohort).then(
        (c) => logger.info({ cohortId: defaultCohort.id, patients: c.patientCount, resources: c.resourceCount }, 'default cohort corpus built'),
        (err: unknown) => logger.error({ err, cohortId: defaultCohort.id }, 'default cohort corpus failed'),
      );
    }
    logger.info({ store: store.kind, model: models.default.hash, defaultCohort: defaultCohort.id }, 'synthfhir ready');
    return { app, router, cohorts, corpora, defaultCohort, store, logger, close };
  } catch (e) {
    await close();
    throw e;
  }
}
