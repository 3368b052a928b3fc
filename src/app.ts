import { readFileSync } from 'node:fs';

import pino from 'pino';

import type { Cohort, ModelLike, PatientEngine, RecordLike, Store } from './cohort';
import type { ModelRegistry } from './cohort';
import { cohortKey, CohortService, createDefaultEngine, createMemoryStore, createRedisStore, isCohortId, loadModels } from './cohort';
import type { Config } from './config';
import type { FhirRouter, Logger, SearchPort } from './fhir';
import type { FhirContext } from './fhir';
import { CorpusProvider, createFhirRouter, createPartitionCache, createRepository, createSearchPort, SERVED_TYPES } from './fhir';
import type { GraphqlService } from './graphql';
import { createGraphqlService, createModelPort, GRAPHQL_OPERATION_DEFINITION } from './graphql';
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
  readonly graphql: GraphqlService;
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
 * no CSV. See: docs/ARCHITECTURE.md "Folders".
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
  let graphqlService: GraphqlService | undefined;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await graphqlService?.stop();
    if (ownStore) await store.close();
    destination?.flushSync();
  };
  try {
    const cohorts = new CohortService({
      store,
      models,
      engine,
      recordCacheSize: config.recordCacheSize,
      recordCacheBytes: config.recordCacheBytes,
      defaults: { asOf: config.asOf, lookbackYears: config.lookbackYears },
      thinStratumRecords: config.thinStratumRecords,
    });
    const defaultCohort = await cohorts.register({
      size: config.defaultCohortSize,
      seed: config.defaultCohortSeed,
      name: 'default',
    });
    const corpora = new CorpusProvider(cohorts, { maxUnscopedPatients: config.maxUnscopedPatients, indexCacheBytes: config.indexCacheBytes, logger });
    const fhirContext: FhirContext = {
      cohorts,
      corpora,
      search,
      defaultCohortId: defaultCohort.id,
      defaultCount: config.defaultCount,
      maxCount: config.maxCount,
      asOf: config.asOf,
      software: { name: 'synthfhir', version: softwareVersion() },
      logger,
      exports: {
        store,
        patientsPerFile: config.exportPatientsPerFile,
        jobTtlMs: config.exportJobTtlSeconds * 1000,
        maxJobsPerClient: config.exportMaxJobsPerClient,
        partitions: createPartitionCache(store, config.exportCacheMb * 2 ** 20),
      },
    };
    const router = createFhirRouter(fhirContext);
    // GraphQL registers `$graphql` on the router (fhir/ never imports graphql/) and http/ mounts /graphql.
    const graphql = await createGraphqlService(
      {
        cohorts,
        models: createModelPort(models, engine),
        repositoryFor: (cohortId) => createRepository(fhirContext, { cohortId }),
        listCohortIds: async () =>
          (await store.keys(cohortKey('')))
            .map((k) => k.slice(cohortKey('').length))
            .filter(isCohortId)
            .sort(),
        defaultCohortId: defaultCohort.id,
        logger,
        limits: {
          maxDepth: config.graphqlMaxDepth,
          maxFields: config.graphqlMaxFields,
          maxAliases: config.graphqlMaxAliases,
          maxCost: config.graphqlMaxCost,
          maxSample: config.graphqlMaxSample,
          introspection: config.graphqlIntrospection,
          defaultCount: config.defaultCount,
          maxCount: config.maxCount,
        },
      },
      search,
      SERVED_TYPES,
    );
    graphqlService = graphql;
    for (const method of ['GET', 'POST'] as const) {
      router.addRoute({
        method,
        pattern: ['$graphql'],
        operation: { name: 'graphql', definition: GRAPHQL_OPERATION_DEFINITION, level: 'system' },
        handler: graphql.fhirHandler,
      });
    }
    const app = createHttpApp({
      router,
      graphql,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      readCacheBytes: config.bodyCacheBytes,
      metrics: () => ({ caches: { records: cohorts.recordCacheStats(), searchIndex: corpora.indexCacheStats() } }),
      maxUrlBytes: config.maxUrlBytes,
      corsOrigins: config.corsOrigins,
      reports: reportHandler(lookupReport),
      cohorts,
      ...(config.baseUrl !== undefined ? { baseUrl: config.baseUrl } : {}),
      // The store down is "degraded", not "unavailable" (still HTTP 200): generation is pure, so
      // this replica keeps serving every cohort it has resolved; only registering cohorts, export
      // jobs and cohorts it has never seen need the store (503 meanwhile). Redis reconnects with
      // back-off by itself.
      health: async () => {
        try {
          await store.ping();
          return { status: 'ok', store: store.kind, defaultCohort: defaultCohort.id };
        } catch {
          return {
            status: 'degraded',
            store: store.kind,
            defaultCohort: defaultCohort.id,
            detail: 'The shared store is not answering: cohorts this replica has resolved are still served; registering cohorts and export jobs fail (503) until it is back.',
          };
        }
      },
    });
    // The default cohort's search index is built in the background (progress logged); too large a
    // cohort is served by reads, browsing and patient-scoped searches only (fhir/corpus-provider.ts).
    if (options.warmDefaultCohort === true && defaultCohort.spec.size <= corpora.maxUnscopedPatients) {
      corpora.compactIndex(defaultCohort).catch((err: unknown) => logger.error({ err, cohortId: defaultCohort.id }, 'default cohort search index failed'));
    }
    logger.info({ store: store.kind, model: models.default.hash, defaultCohort: defaultCohort.id }, 'synthfhir ready');
    return { app, router, cohorts, corpora, defaultCohort, graphql, store, logger, close };
  } catch (e) {
    await close();
    throw e;
  }
}
