import type { CohortService, ModelLike, RecordLike } from '../cohort';

import type { CorpusProvider } from './corpus-provider';
import type { FhirRepository } from './repository';
import type { SearchPort } from './search-port';
import type { FhirRequest, FhirResponse, Logger } from './types';

/** The resource types this server serves (read, vread, history, search). */
export const SERVED_TYPES = ['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest'] as const;
export type ServedType = (typeof SERVED_TYPES)[number];

/** Types served only through explicit routes (read a cohort as a Group, Group/$cohort), not searched. */
export const EXTRA_TYPES = ['Group'] as const;

export function isServedType(s: string): s is ServedType {
  return (SERVED_TYPES as readonly string[]).includes(s);
}

/** Everything a handler may use. Built once by the app; nothing in it is per-request. */
export interface FhirContext {
  readonly cohorts: CohortService<ModelLike, RecordLike>;
  readonly corpora: CorpusProvider;
  readonly search: SearchPort;
  /** The cohort unscoped searches run over (the population-representative default). */
  readonly defaultCohortId: string;
  readonly defaultCount: number;
  readonly maxCount: number;
  /** "Now" for search prefixes like `ap` (the default cohort's asOf; never the wall clock). */
  readonly asOf: string;
  readonly software: { readonly name: string; readonly version: string };
  readonly logger?: Logger;
}

/** Path parameters of a matched route (`type`, `id`, `vid`). */
export type RouteParams = Readonly<Record<string, string>>;

/** What a handler receives. */
export interface HandlerCall {
  readonly ctx: FhirContext;
  /** The request with its path below the scope's base and `baseUrl` the scope's base. */
  readonly req: FhirRequest;
  /** The one way to resources, scoped to the cohort the request addresses (the default cohort unless `cohort/<id>/`). */
  readonly repo: FhirRepository;
  readonly params: RouteParams;
  /** The router's route table (the CapabilityStatement is built from it). */
  readonly routes: readonly Route[];
}

export type Handler = (call: HandlerCall) => Promise<FhirResponse>;

/** A FHIR interaction as the CapabilityStatement names it. */
export type Interaction = 'capabilities' | 'read' | 'vread' | 'history-instance' | 'search-type';

/**
 * One route: method, path pattern and the metadata the CapabilityStatement is generated from, so
 * what is advertised is exactly what is routed. Pattern segments: a literal, `:type` (a served
 * type, restricted by `types`), or another `:name` (any segment, captured).
 */
export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: readonly string[];
  /** Types `:type` may take (default: all served types). */
  readonly types?: readonly ServedType[];
  readonly interaction?: Interaction;
  readonly operation?: {
    readonly name: string;
    readonly definition: string;
    readonly level: 'system' | 'type' | 'instance';
  };
  readonly handler: Handler;
}
