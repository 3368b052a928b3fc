import { didYouMean } from '../../errors';

import { invalid } from './parse-values';
import { elementsOf } from './registry';
import type { SummaryMode, TotalMode } from './types';

/**
 * The result parameters shared by search, read and operations (`_count`, `_offset`, `_summary`,
 * `_elements`, `_total`): one parser, one set of messages, wherever they appear.
 * See: https://hl7.org/fhir/R4/search.html#count, #summary, #elements
 */
export const SUMMARY_MODES: readonly SummaryMode[] = ['true', 'count', 'data', 'text', 'false'];
export const TOTAL_MODES: readonly TotalMode[] = ['none', 'estimate', 'accurate'];

/** A whole number ≥ 0 (`_count`, `_offset`); 400 naming the parameter otherwise. */
export function parseNonNegativeInt(key: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw invalid(key, `"${key}" must be a whole number >= 0, not "${raw}".`);
  return Number(raw);
}

/** `_count`, clamped to `maxCount` with a warning pushed onto `warnings`. */
export function parseCount(raw: string, maxCount: number, warnings: string[], key = '_count'): number {
  const n = parseNonNegativeInt(key, raw);
  if (n > maxCount) warnings.push(`${key}=${n} exceeds the maximum page size; clamped to ${maxCount}.`);
  return Math.min(n, maxCount);
}

/** `_summary`: one of SUMMARY_MODES, else 400. */
export function parseSummary(raw: string): SummaryMode {
  if (!(SUMMARY_MODES as readonly string[]).includes(raw)) {
    throw invalid('_summary', `_summary must be one of ${SUMMARY_MODES.join(', ')}, not "${raw}".`);
  }
  return raw as SummaryMode;
}

/** `_total`: one of TOTAL_MODES, else 400. */
export function parseTotal(raw: string): TotalMode {
  if (!(TOTAL_MODES as readonly string[]).includes(raw)) {
    throw invalid('_total', `_total must be one of ${TOTAL_MODES.join(', ')}, not "${raw}".`);
  }
  return raw as TotalMode;
}

/**
 * `_elements` on a type: element names (a `Type.` prefix dropped); an unknown element is a 400 in
 * strict mode and a warning in lenient mode.
 */
export function parseElements(type: string, raw: string, strict: boolean, warnings: string[]): string[] {
  const all = elementsOf(type).all;
  const out: string[] = [];
  for (const item of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const name = item.startsWith(`${type}.`) ? item.slice(type.length + 1) : item;
    if (all.includes(name) || all.includes(`${name}[x]`)) {
      out.push(name);
      continue;
    }
    const bare = all.map((e) => e.replace('[x]', ''));
    const message = `Unknown element "${item}" in _elements on ${type}${didYouMean(name, bare)}`;
    if (strict) throw invalid('_elements', `${message}.`);
    warnings.push(`${message}; ignored.`);
  }
  return out;
}

/** How a read (or any single resource) is to be shaped: `_summary` and `_elements` from its query. */
export interface ShapeParams {
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
  readonly warnings: readonly string[];
}

/** `_summary` / `_elements` of a read's query, parsed as search parses them. */
export function parseShapeParams(
  type: string,
  query: ReadonlyArray<readonly [string, string]>,
  strict: boolean,
): ShapeParams {
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;
  const warnings: string[] = [];
  for (const [k, v] of query) {
    if (k === '_summary') summary = parseSummary(v);
    else if (k === '_elements') elements = [...(elements ?? []), ...parseElements(type, v, strict, warnings)];
  }
  return { ...(summary !== undefined ? { summary } : {}), ...(elements !== undefined ? { elements } : {}), warnings };
}
