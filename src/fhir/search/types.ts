import type { Coding, Meta as ResourceMeta, Resource } from 'fhir/r4';

/**
 * Any FHIR R4 resource: @types/fhir's R4 `Resource` (the project's one set of R4 types). Search
 * reads resources structurally (FHIRPath and plain property reads through `fieldsOf`), so the
 * generator's typed resources and parsed JSON both fit, with no cast at the seam.
 */
export type { Coding, Resource, ResourceMeta };

/**
 * What a search runs over: the resources in scope, by type. Objects are treated as immutable and
 * are never modified (tested: immutability.test.ts); they may be frozen. Return the SAME array instance from
 * `resources(type)` while the corpus is unchanged: per-corpus indexes are cached on it.
 * See: docs/CONTRACTS.md "fhir/search".
 */
export interface SearchCorpus {
  /** Every resource of a type in scope (empty for a type the corpus does not hold). */
  resources(type: string): readonly Resource[];
  get(type: string, id: string): Resource | undefined;
  /**
   * Fast path: the resources of `type` belonging to patient `patientId` — at least every one whose
   * `subject`/`patient` refers to Patient/patientId (extra ones are filtered out); undefined when
   * the corpus does not index `type` by patient.
   */
  byPatient?(type: string, patientId: string): readonly Resource[] | undefined;
}

/** A search as the router received it: query (and form body) pairs in order, repeats kept. */
export interface SearchRequest {
  readonly resourceType: string;
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** `Prefer: handling=strict`: unknown or unsupported parameters are errors, not warnings. */
  readonly strict: boolean;
}

export interface SearchOptions {
  /** Page size when the request has no `_count`. */
  readonly defaultCount: number;
  /** Largest page size; a larger `_count` is clamped to it with a warning. */
  readonly maxCount: number;
  /** "Now" (ISO date or dateTime) for the `ap` prefix on dates; never the wall clock. */
  readonly now?: string;
  /** Test hook: false evaluates every parameter through FHIRPath (no fast extractors, no index). */
  readonly fastPaths?: boolean;
}

export type SummaryMode = 'true' | 'count' | 'data' | 'text' | 'false';
export type TotalMode = 'none' | 'estimate' | 'accurate';

/** One `_include` / `_revinclude` (`Observation:subject:Patient`, `*`), parsed and validated. */
export interface IncludeSpec {
  readonly reverse: boolean;
  readonly iterate: boolean;
  /** Resource type holding the reference (`*` for `_include=*`: every type in the page). */
  readonly sourceType: string;
  /** Reference parameter code on sourceType, or `*` for all of them. */
  readonly param: string;
  readonly targetType?: string;
}

/** One `_sort` key. */
export interface SortKey {
  readonly param: string;
  readonly descending: boolean;
}

/** What executeSearch found; the router pages `matches` and builds the Bundle. */
export interface SearchResult {
  /** ALL matches, already sorted (`_sort`; else corpus order). Cached objects: do not mutate. */
  readonly matches: readonly Resource[];
  readonly total: number;
  /** Page size: `_count`, or defaultCount, clamped to maxCount. */
  readonly count: number;
  /** `_offset` (0 when absent). */
  readonly offsetRequested: number;
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
  /** `_total` (default 'accurate': counting is free here, every match is known). */
  readonly totalMode: TotalMode;
  readonly sort: readonly SortKey[];
  readonly includes: readonly IncludeSpec[];
  /** Lenient mode: each ignored parameter, named, and every clamped value. */
  readonly warnings: readonly string[];
}

export type SearchParamType =
  | 'number'
  | 'date'
  | 'string'
  | 'token'
  | 'reference'
  | 'composite'
  | 'quantity'
  | 'uri'
  | 'special';

/** A search parameter as advertised in the CapabilityStatement (rest.resource.searchParam). */
export interface SearchParameterInfo {
  readonly name: string;
  /** Canonical URL of the SearchParameter definition. */
  readonly definition: string;
  readonly type: SearchParamType;
  /** The per-type FHIRPath expression that defines it. */
  readonly expression: string;
  readonly documentation: string;
  /** Modifiers this server implements for it (e.g. `missing`, `exact`, `not`). */
  readonly modifiers: readonly string[];
  /** Target resource types (reference parameters). */
  readonly target?: readonly string[];
}
