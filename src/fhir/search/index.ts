/**
 * FHIR R4 search for synthfhir (Patient, Encounter, Observation, Condition): every standard R4
 * SearchParameter of those types, its meaning defined by its FHIRPath expression
 * (profiles/search-parameters.json), with fast extractors and indexes for hot parameters.
 *
 * Use from the router:
 * ```ts
 * const result = executeSearch(corpus, { resourceType, params, strict }, { defaultCount, maxCount, now: asOf });
 * const page = result.matches.slice(result.offsetRequested, result.offsetRequested + result.count);
 * const included = resolveIncludes(corpus, page, req);          // entry.search.mode 'include'
 * const shown = page.map((r) => result.elements ? applyElements(r, result.elements)
 *                                : result.summary ? applySummary(r, result.summary) : r);
 * // result.warnings → one OperationOutcome entry (search.mode 'outcome') in lenient mode.
 * ```
 * Errors are SynthfhirErrors with `expression` naming the parameter: INVALID_SEARCH_PARAMETER (400,
 * malformed value or modifier, both modes), UNKNOWN_SEARCH_PARAMETER (400, strict mode only),
 * UNKNOWN_RESOURCE_TYPE (404), TOO_COSTLY (400, too many includes).
 * Objects in the corpus are never modified (FHIRPath runs in a mode that does not annotate its
 * input; a test proves it); summaries and element subsets are new objects. See: README.md here; https://hl7.org/fhir/R4/search.html
 */
export type {
  IncludeSpec,
  SearchCorpus,
  SearchOptions,
  SearchParameterInfo,
  SearchParamType,
  SearchRequest,
  SearchResult,
  SortKey,
  SummaryMode,
  TotalMode,
} from './types';
/** Runs a search: all matches, sorted, with paging/summary/include parameters parsed. */
export { executeSearch } from './execute';
/** Resources `_include`/`_revinclude` add to a page (deduplicated, none already on the page). */
export { resolveIncludes, DEFAULT_MAX_INCLUDES } from './include';
export type { IncludeOptions } from './include';
/** CapabilityStatement material: parameters, searchInclude and searchRevInclude per type. */
export { searchParametersFor, searchIncludesFor, searchRevIncludesFor } from './capability';
/** `_summary` / `_elements` projections (new objects tagged SUBSETTED). */
export { applySummary, applyElements, SUBSETTED_TAG } from './summary';
/** The types this module searches, and the result parameters it interprets. */
export { searchableTypes, RESULT_PARAMETERS } from './registry';
/** An in-memory corpus (per-type arrays, id map, by-patient index) over a list of resources. */
export { corpusFromResources } from './list-corpus';
/** The result parameters (`_count`, `_offset`, `_summary`, `_elements`, `_total`): one parser for search, read and operations. */
export {
  parseCount,
  parseNonNegativeInt,
  parseSummary,
  parseTotal,
  parseElements,
  parseShapeParams,
  SUMMARY_MODES,
  TOTAL_MODES,
} from './result-params';
export type { ShapeParams } from './result-params';
/** The one structural (JSON) view of typed R4 resources, for reads by run-time element names. */
export { jsonOf, resourceOf } from './json';
export type { JsonObject } from './json';
/** The compact per-cohort search index (typed arrays; resources regenerated per page) and its planner. */
export { CompactIndexBuilder, indexedParams } from './compact-index';
export type { CompactIndex, TypeIndex, PatientNaming } from './compact-index';
export { planIndexedSearch } from './compact-query';
export type { IndexPlan } from './compact-query';
export { parseSearch } from './parse-search';
export type { ParsedSearch } from './parse-search';
