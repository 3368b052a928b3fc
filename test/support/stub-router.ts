import { CohortService, createMemoryStore, ModelRegistry } from '../../src/cohort';
import type { Cohort } from '../../src/cohort';
import type { FhirContext, FhirRequest, FhirResponse, FhirRouter, Resource } from '../../src/fhir';
import { CorpusProvider, createFhirRouter, createSearchPort } from '../../src/fhir';

import { memoryLogger } from './stub-app';
import type { MemoryLogger } from './stub-app';
import { createStubEngine, STUB_MODEL } from './stub-engine';
import type { StubEngine } from './stub-engine';

export const BASE_URL = 'http://fhir.test/fhir';

export interface RouterHarness {
  readonly router: FhirRouter;
  /** The context the router was built over (to build other routers or repositories on it). */
  readonly context: FhirContext;
  readonly cohorts: CohortService<typeof STUB_MODEL, ReturnType<StubEngine['generatePatientRecord']>>;
  readonly engine: StubEngine;
  readonly cohort: Cohort;
  readonly logger: MemoryLogger;
  /** GET (or another method) a path with a query string, e.g. get('Patient?_count=2'). */
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<FhirResponse>;
  request(req: Partial<FhirRequest> & { path: string }): Promise<FhirResponse>;
}

/** A router over the stub engine and the real search, with a registered default cohort. */
export async function routerHarness(defaultSize = 30, limits = { defaultCount: 20, maxCount: 100 }): Promise<RouterHarness> {
  const engine = createStubEngine();
  const cohorts = new CohortService({
    store: createMemoryStore(),
    models: new ModelRegistry([STUB_MODEL]),
    engine,
    recordCacheSize: 1000,
    defaults: { asOf: '2025-01-01', lookbackYears: 3 },
  });
  const cohort = await cohorts.register({ size: defaultSize, seed: 1 });
  const logger = memoryLogger();
  const context: FhirContext = {
    cohorts,
    corpora: new CorpusProvider(cohorts),
    search: createSearchPort(),
    defaultCohortId: cohort.id,
    ...limits,
    asOf: '2025-01-01',
    software: { name: 'synthfhir', version: 'test' },
    logger,
  };
  const router = createFhirRouter(context);
  const request = (req: Partial<FhirRequest> & { path: string }): Promise<FhirResponse> =>
    router.handle({ method: 'GET', query: [], headers: {}, baseUrl: BASE_URL, ...req });
  const get = (pathAndQuery: string, headers: Record<string, string> = {}): Promise<FhirResponse> => {
    const [path, q] = pathAndQuery.split('?');
    return request({ path, query: q === undefined ? [] : [...new URLSearchParams(q)], headers });
  };
  return { router, context, cohorts, engine, cohort, logger, get, request };
}

/** Entries of a Bundle body with a given search mode. */
export function entriesOf(body: Resource, mode?: string): Resource[] {
  const entry = (body.entry ?? []) as { resource: Resource; search?: { mode: string } }[];
  return entry.filter((e) => mode === undefined || e.search?.mode === mode).map((e) => e.resource);
}

/** The URL of a Bundle link, or undefined. */
export function linkOf(body: Resource, relation: string): string | undefined {
  return ((body.link ?? []) as { relation: string; url: string }[]).find((l) => l.relation === relation)?.url;
}

/** A path+query below BASE_URL from an absolute link. */
export function relative(url: string): string {
  return url.startsWith(BASE_URL) ? url.slice(BASE_URL.length + 1) : url;
}
