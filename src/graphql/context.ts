import type { CohortService, ModelLike, RecordLike } from '../cohort';
import { ownerPatientId, parsePatientId } from '../cohort';
import type { FhirRepository, Logger, Resource } from '../fhir';

import type { GraphqlLimits } from './limits';
import type { Loaders } from './loaders';
import { createLoaders } from './loaders';
import type { ModelPort } from './model-port';

/** Everything the resolvers use that outlives a request (built once by the app). */
export interface GraphqlDeps {
  readonly cohorts: CohortService<ModelLike, RecordLike>;
  /** model/ behind graphql's own seam (support, sample, variables), bound by app.ts. */
  readonly models: ModelPort;
  /** The FHIR repository scoped to a cohort (the same one REST uses for that scope). */
  readonly repositoryFor: (cohortId: string) => FhirRepository;
  /** Ids of every registered cohort (the Store's cohort keys). */
  readonly listCohortIds: () => Promise<readonly string[]>;
  readonly limits: GraphqlLimits;
  readonly logger: Logger;
}

/** A repository and its per-request loaders. */
export interface Scope {
  readonly repo: FhirRepository;
  readonly loaders: Loaders;
}

/** The GraphQL context of one request. */
export interface GraphqlContext {
  readonly deps: GraphqlDeps;
  /** The request's scope (the default cohort, or the cohort of /fhir/cohort/<id>/$graphql). */
  readonly scope: Scope;
  /** The scope of another cohort (its patients' own references), created once per request. */
  scopeFor(cohortId: string): Scope;
  readonly requestId?: string;
}

/** A fresh context for one request over `repo`. */
export function createContext(deps: GraphqlDeps, repo: FhirRepository, requestId?: string): GraphqlContext {
  const scope: Scope = { repo, loaders: createLoaders(repo) };
  const others = new Map<string, Scope>([[repo.cohortId, scope]]);
  return {
    deps,
    scope,
    ...(requestId !== undefined ? { requestId } : {}),
    scopeFor(cohortId) {
      let s = others.get(cohortId);
      if (s === undefined) {
        const r = deps.repositoryFor(cohortId);
        s = { repo: r, loaders: createLoaders(r) };
        others.set(cohortId, s);
      }
      return s;
    },
  };
}

/**
 * The scope a resource's own references resolve in: its owner patient's cohort (a patient listed
 * by the own API's cohort(id) belongs to that cohort, not to the request's default).
 */
export function scopeOfResource(ctx: GraphqlContext, resource: Resource): Scope {
  const owner = resource.id === undefined ? undefined : ownerPatientId(resource.id);
  const cohortId = owner === undefined ? undefined : parsePatientId(owner)?.cohortId;
  return cohortId === undefined || cohortId === ctx.scope.repo.cohortId ? ctx.scope : ctx.scopeFor(cohortId);
}
