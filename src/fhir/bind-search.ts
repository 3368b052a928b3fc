import {
  applyElements,
  applySummary,
  executeSearch,
  parseCount,
  parseNonNegativeInt,
  parseSearch,
  parseShapeParams,
  planIndexedSearch,
  resolveIncludes,
  searchIncludesFor,
  searchParametersFor,
  searchRevIncludesFor,
} from './search';
import type { SearchPort } from './search-port';

/** The router's search seam bound to the real fhir/search. */
export function createSearchPort(): SearchPort {
  return {
    executeSearch,
    parseSearch,
    planIndexed: planIndexedSearch,
    resolveIncludes: (corpus, page, req) => resolveIncludes(corpus, page, req),
    searchParametersFor,
    searchIncludesFor,
    searchRevIncludesFor,
    shape: (resource, { summary, elements }) =>
      elements !== undefined && elements.length > 0
        ? applyElements(resource, elements)
        : summary !== undefined
          ? applySummary(resource, summary)
          : resource,
    parseShape: parseShapeParams,
    parseCount,
    parseOffset: parseNonNegativeInt,
  };
}
