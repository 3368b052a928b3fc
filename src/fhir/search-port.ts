import type {
  CompactIndex,
  IndexPlan,
  ParsedSearch,
  SearchCorpus,
  SearchOptions,
  SearchParameterInfo,
  SearchRequest,
  SearchResult,
  ShapeParams,
} from './search';
import type { Resource } from './types';

/**
 * What the router needs from fhir/search, as one seam: the app binds it to the real search
 * (bind-search.ts); router unit tests bind a small stand-in through this same interface.
 */
export interface SearchPort {
  executeSearch(corpus: SearchCorpus, req: SearchRequest, opts: SearchOptions): SearchResult;
  /** Parses and validates a search (the same 400s and warnings as executeSearch) without running it. */
  parseSearch(req: SearchRequest, opts: SearchOptions): ParsedSearch;
  /** A search over a cohort's compact index: exact ordinals, or the patients the engine must finish on. */
  /** `needed`: how many of the first matches the page needs ordered (offset + count). */
  planIndexed(index: CompactIndex, req: SearchRequest, opts: SearchOptions, needed?: number): IndexPlan;
  resolveIncludes(corpus: SearchCorpus, page: readonly Resource[], req: SearchRequest): readonly Resource[];
  searchParametersFor(type: string): readonly SearchParameterInfo[];
  /** `_include` values served for a type (CapabilityStatement searchInclude). */
  searchIncludesFor(type: string): readonly string[];
  /** `_revinclude` values served for a type (CapabilityStatement searchRevInclude). */
  searchRevIncludesFor(type: string): readonly string[];
  /** Applies _summary / _elements to a served resource; returns a new object, never mutates. */
  shape(resource: Resource, result: Pick<SearchResult, 'summary' | 'elements'>): Resource;
  /** `_summary` / `_elements` of a read or an operation, parsed as search parses them. */
  parseShape(type: string, query: ReadonlyArray<readonly [string, string]>, strict: boolean): ShapeParams;
  /** `_count` as search parses it (clamped to maxCount with a warning). */
  parseCount(raw: string, maxCount: number, warnings: string[]): number;
  /** `_offset` (or any whole number ≥ 0) as search parses it. */
  parseOffset(key: string, raw: string): number;
}

export type { CompactIndex, IndexPlan, ParsedSearch, SearchCorpus, SearchOptions, SearchParameterInfo, SearchRequest, SearchResult, ShapeParams };
