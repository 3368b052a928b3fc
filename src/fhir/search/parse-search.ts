import { didYouMean, InvalidInputError, NotFoundError } from '../../errors';
import { invariant } from '../../util';
import { implementedCodes, parseCriterion } from './parse-criteria';
import { invalid } from './parse-values';
import type { Criterion } from './query';
import { dateRange } from './ranges';
import { paramOf, searchableTypes } from './registry';
import { parseCount, parseElements, parseNonNegativeInt, parseSummary, parseTotal } from './result-params';

export { RESULT_PARAMETERS } from './registry';
import type { IncludeSpec, SearchOptions, SearchRequest, SortKey, SummaryMode, TotalMode } from './types';

/**
 * A whole search request, parsed: criteria, result parameters, warnings. Unknown parameters are a
 * 400 UNKNOWN_SEARCH_PARAMETER in strict mode and a warning in lenient mode; malformed values are a
 * 400 INVALID_SEARCH_PARAMETER in both. See: https://hl7.org/fhir/R4/search.html#errors
 */
export interface ParsedSearch {
  readonly criteria: readonly Criterion[];
  readonly count: number;
  readonly offset: number;
  readonly sort: readonly SortKey[];
  readonly includes: readonly IncludeSpec[];
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
  readonly totalMode: TotalMode;
  readonly warnings: readonly string[];
}

const HTTP_PARAMETERS = ['_format', '_pretty'];
const SINGLE_VALUED = ['_count', '_offset', '_sort', '_summary', '_elements', '_total'];

function parseSort(type: string, raw: string): SortKey[] {
  return raw.split(',').map((item) => {
    const descending = item.startsWith('-');
    const param = descending ? item.slice(1) : item;
    const def = paramOf(type, param);
    if (def === undefined || def.expression === undefined || def.type === 'composite' || def.type === 'special') {
      throw invalid('_sort', `Cannot sort ${type} by "${param}"${didYouMean(param, implementedCodes(type))}.`);
    }
    return { param, descending };
  });
}

function parseInclude(key: string, raw: string): IncludeSpec[] {
  const [name, modifier, ...more] = key.split(':');
  if (more.length > 0 || (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse')) {
    throw invalid(key, `"${key}": the only modifier of ${name} is :iterate.`);
  }
  const reverse = name === '_revinclude';
  const iterate = modifier !== undefined;
  return raw.split(',').map((value) => {
    if (value === '*') return { reverse, iterate, sourceType: '*', param: '*' };
    const [sourceType, param, targetType, ...extra] = value.split(':');
    if (!searchableTypes().includes(sourceType) || param === undefined || extra.length > 0) {
      throw invalid(key, `Invalid ${name} "${value}" (expected Type:parameter[:targetType], Type one of ${searchableTypes().join(', ')}).`);
    }
    if (param !== '*') {
      const def = paramOf(sourceType, param);
      if (def === undefined || def.type !== 'reference' || def.expression === undefined) {
        const refs = implementedCodes(sourceType).filter((c) => paramOf(sourceType, c)?.type === 'reference');
        throw invalid(key, `"${param}" is not a reference parameter of ${sourceType}${didYouMean(param, refs)}.`);
      }
      if (targetType !== undefined && def.target.length > 0 && !def.target.includes(targetType)) {
        throw invalid(key, `${sourceType}:${param} never refers to "${targetType}" (targets: ${def.target.join(', ')}).`);
      }
    }
    return targetType === undefined
      ? { reverse, iterate, sourceType, param }
      : { reverse, iterate, sourceType, param, targetType };
  });
}

/** The `_include` / `_revinclude` specs of a request (validated as parseSearch does). */
export function parseIncludes(req: SearchRequest): IncludeSpec[] {
  return req.params
    .filter(([key, raw]) => raw !== '' && ['_include', '_revinclude'].includes(key.split(':')[0]))
    .flatMap(([key, raw]) => parseInclude(key, raw));
}

/** Parses and validates a search request. Throws 404 for a type this server does not search. */
export function parseSearch(req: SearchRequest, opts: SearchOptions): ParsedSearch {
  const type = req.resourceType;
  if (!searchableTypes().includes(type)) {
    throw new NotFoundError(`Resource type "${type}" is not searchable here (types: ${searchableTypes().join(', ')}).`, 'UNKNOWN_RESOURCE_TYPE');
  }
  const nowRange = opts.now === undefined ? undefined : dateRange(opts.now);
  invariant(opts.now === undefined || nowRange !== undefined, `SearchOptions.now is not a date: ${opts.now}`);
  const ctx = { nowMs: nowRange?.lo };
  const warnings: string[] = [];
  const criteria: Criterion[] = [];
  const includes: IncludeSpec[] = [];
  const seen = new Set<string>();
  let count = opts.defaultCount;
  let offset = 0;
  let sort: SortKey[] = [];
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;
  let totalMode: TotalMode = 'accurate';

  for (const [key, raw] of req.params) {
    const name = key.split(':')[0];
    if (HTTP_PARAMETERS.includes(key)) continue;
    if (SINGLE_VALUED.includes(key)) {
      if (seen.has(key)) throw invalid(key, `"${key}" may be given only once.`);
      seen.add(key);
    }
    if (raw === '' && name !== '_elements') {
      warnings.push(`Search parameter "${key}" has no value; ignored.`);
      continue;
    }
    if (name === '_include' || name === '_revinclude') {
      includes.push(...parseInclude(key, raw));
      continue;
    }
    switch (key) {
      case '_count':
        count = parseCount(raw, opts.maxCount, warnings);
        continue;
      case '_offset':
        offset = parseNonNegativeInt(key, raw);
        continue;
      case '_sort':
        sort = parseSort(type, raw);
        continue;
      case '_summary':
        summary = parseSummary(raw);
        continue;
      case '_elements':
        elements = parseElements(type, raw, req.strict, warnings);
        continue;
      case '_total':
        totalMode = parseTotal(raw);
        continue;
    }
    const criterion = parseCriterion(type, key, raw, ctx);
    if ('unknown' in criterion) {
      if (req.strict) {
        const detail = criterion.unknown.endsWith('?') ? criterion.unknown : `${criterion.unknown}.`;
        throw new InvalidInputError(detail, [key], 'UNKNOWN_SEARCH_PARAMETER');
      }
      warnings.push(`${criterion.unknown}; ignored.`);
      continue;
    }
    criteria.push(criterion);
  }
  return { criteria, count, offset, sort, includes, summary, elements, totalMode, warnings };
}
