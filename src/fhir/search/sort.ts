import { invariant } from '../../util';
import type { AnyEntry, RefEntry, StringEntry, TokenEntry } from './entries';
import { extract } from './extract';
import type { Interval } from './ranges';
import { paramOf } from './registry';
import type { SortKey, Resource } from './types';

/**
 * `_sort`: by each key's parameter value — dates and quantities by the start of their range,
 * strings case- and accent-folded, tokens by code, references by `Type/id`. A resource with several
 * values sorts by its smallest ascending and its largest descending; resources without a value come
 * last either way; ties fall back to the next key, then to id (ascending), so order is total.
 * See: https://hl7.org/fhir/R4/search.html#sort
 */

export type SortValue = string | number | undefined;

/** The smallest (ascending) or largest (descending) of a resource's values for one key. */
export function sortValue(type: string, entries: readonly AnyEntry[], descending: boolean): SortValue {
  let best: string | number | undefined;
  const offer = (v: string | number): void => {
    if (best === undefined || (descending ? v > best : v < best)) best = v;
  };
  for (const e of entries) {
    switch (type) {
      case 'date':
      case 'number':
      case 'quantity':
        offer((e as Interval).lo);
        break;
      case 'string':
        offer((e as StringEntry).folded);
        break;
      case 'token': {
        const code = (e as TokenEntry).code;
        if (code !== undefined) offer(code);
        break;
      }
      case 'reference': {
        const r = e as RefEntry;
        const key = r.type !== undefined && r.id !== undefined ? `${r.type}/${r.id}` : r.reference;
        if (key !== undefined) offer(key);
        break;
      }
      case 'uri':
        offer(e as string);
        break;
    }
  }
  return best;
}

function compareValues(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy of `resources` (all of `type`) by `keys`. */
export function sortResources(
  type: string,
  resources: readonly Resource[],
  keys: readonly SortKey[],
  fastPaths: boolean,
): Resource[] {
  const defs = keys.map((k) => {
    const def = paramOf(type, k.param);
    invariant(def !== undefined, `sort key ${k.param} was validated`);
    return def;
  });
  const decorated = resources.map((r) => ({
    r,
    id: r.id ?? '',
    values: defs.map((def, i): SortValue => sortValue(def.type, extract(def, r, fastPaths) as readonly AnyEntry[], keys[i].descending)),
  }));
  decorated.sort((a, b) => compareSortKeys(a, b, keys));
  return decorated.map((d) => d.r);
}

/** One key's order: missing last either way, else by value in the key's direction (0 on a tie). */
export function compareSortValue(x: SortValue, y: SortValue, descending: boolean): number {
  if (x === undefined && y === undefined) return 0;
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  const c = compareValues(x, y);
  return descending ? -c : c;
}

/** The last tie-break of `_sort`: ids ascending. */
export function compareIds(a: string, b: string): number {
  return compareValues(a, b);
}

/** The order of `_sort`: key by key (missing last either way), then id ascending. Shared by every corpus kind. */
export function compareSortKeys(
  a: { readonly id: string; readonly values: readonly SortValue[] },
  b: { readonly id: string; readonly values: readonly SortValue[] },
  keys: readonly SortKey[],
): number {
  for (let i = 0; i < keys.length; i++) {
    const c = compareSortValue(a.values[i], b.values[i], keys[i].descending);
    if (c !== 0) return c;
  }
  return compareIds(a.id, b.id);
}
