import type { AnyEntry } from './entries';
import { entryEnd, entryStart, PATIENT_MARK, type Column, type CompactIndex, type DictColumn, type TypeIndex } from './compact-index';
import { matchValueTest } from './match';
import type { Criterion, ValueTest } from './query';
import { parseSearch, type ParsedSearch } from './parse-search';
import { paramOf } from './registry';
import { compareIds, compareSortValue, sortValue, type SortValue } from './sort';
import type { SearchOptions, SearchRequest, SortKey } from './types';

/**
 * A search answered over a CompactIndex. Criteria on indexed parameters are decided from the
 * stored entries with the engine's own matcher (`matchValueTest`, entry by entry: a resource
 * matches when one of its entries does, `:not` negates the whole, as match.ts defines), so the
 * index can only be faster than the full engine, never different. What the index does not hold
 * (composites, chains, `_has`, parameters without a column, `_sort` on them) is left to the
 * engine over the patients the indexed criteria leave: `narrowed`.
 */
export type IndexPlan =
  | {
      readonly kind: 'exact';
      readonly parsed: ParsedSearch;
      /** Matches in result order: all of them, or (sorted searches) at least the first `needed`. */
      readonly ordinals: ArrayLike<number>;
      readonly total: number;
    }
  | {
      readonly kind: 'narrowed';
      readonly parsed: ParsedSearch;
      /** Patients (ascending) holding every resource that may match. */
      readonly patients: readonly number[];
      /** The parameters the index could not decide (for a TOO_COSTLY message). */
      readonly unindexed: readonly string[];
    };

type Pred = (k: number) => boolean;

/** Test kinds decided by equality of whole strings: an owner-templated entry can only match patients named in the query. */
const EQUALITY_KINDS: ReadonlySet<string> = new Set(['token', 'reference', 'reference-identifier', 'token-of-type']);

/** Stands for the owner patient's id in a parsed template (JSON cannot carry PATIENT_MARK raw). */
const TOKEN = '\u0000pid\u0000';
const parsedTemplates = new WeakMap<DictColumn, Map<number, unknown>>();

/** A copy of `v` with TOKEN replaced by `pid` in every string. */
function instantiate(v: unknown, pid: string): unknown {
  if (typeof v === 'string') return v.includes(TOKEN) ? v.split(TOKEN).join(pid) : v;
  if (Array.isArray(v)) return v.map((x) => instantiate(x, pid));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = instantiate(x, pid);
    return out;
  }
  return v;
}

/** A dictionary entry of a column for a patient: the entry itself, or its template instantiated. */
function dictEntry(index: CompactIndex, col: DictColumn, d: number, patient: number): AnyEntry {
  const slot = col.dict[d];
  if ('entry' in slot) return slot.entry;
  let cache = parsedTemplates.get(col);
  if (cache === undefined) parsedTemplates.set(col, (cache = new Map<number, unknown>()));
  let parsed = cache.get(d);
  if (parsed === undefined) {
    parsed = JSON.parse(slot.template.split(PATIENT_MARK).join(JSON.stringify(TOKEN).slice(1, -1))) as unknown;
    cache.set(d, parsed);
  }
  return instantiate(parsed, index.naming.patientId(patient)) as AnyEntry;
}

/** Every entry of resource `k` of a column, as the engine's extract gives it. */
export function entriesAt(index: CompactIndex, ti: TypeIndex, col: Column, k: number): AnyEntry[] {
  const s = entryStart(col, k);
    const e = entryEnd(col, k);
  const out: AnyEntry[] = [];
  for (let j = s; j < e; j++) {
    if (col.kind === 'dict') out.push(dictEntry(index, col, col.ids[j], ti.patientOf[k]));
    else {
      const v = col.ids === undefined ? j : col.ids[j];
      out.push({ lo: col.lo[v], hi: col.hi[v], ...col.units[col.unit === undefined ? 0 : col.unit[v]] });
    }
  }
  return out;
}

function queryStrings(test: ValueTest): string[] {
  return test.values.flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v).filter((x): x is string => typeof x === 'string')));
}

interface Compiled {
  readonly pred: Pred;
  /** Candidate ordinals (ascending, a superset of the matches), when cheaper than a scan. */
  readonly candidates?: () => Uint32Array;
  /** The candidates are exactly the matches of this criterion (its predicate need not run on them). */
  readonly exact?: boolean;
  readonly estimate: number;
}

/** A `value` criterion on a dictionary column. */
function compileDict(index: CompactIndex, ti: TypeIndex, col: DictColumn, test: ValueTest): Compiled {
  const negate = test.kind === 'token-not';
  const positive: ValueTest = test.kind === 'token-not' ? { kind: 'token', values: test.values } : test;
  // Per dictionary id: 0 no, 1 yes, 2 yes for the patients in `allowed`, 3 decide per resource.
  const hit = new Uint8Array(col.dict.length);
  const allowed = new Map<number, Set<number>>();
  const named = EQUALITY_KINDS.has(positive.kind)
    ? [...new Set(queryStrings(positive).flatMap((s) => index.naming.patientIndexesIn(s)))].filter((j) => j < index.patients)
    : undefined;
  col.dict.forEach((slot, d) => {
    if ('entry' in slot) {
      hit[d] = matchValueTest(positive, [slot.entry]) ? 1 : 0;
    } else if (named !== undefined) {
      const ok = new Set(named.filter((j) => matchValueTest(positive, [dictEntry(index, col, d, j)])));
      if (ok.size > 0) {
        hit[d] = 2;
        allowed.set(d, ok);
      }
    } else {
      hit[d] = 3;
    }
  });
  const entryHits = (k: number): boolean => {
    const s = entryStart(col, k);
    const e = entryEnd(col, k);
    for (let j = s; j < e; j++) {
      const d = col.ids[j];
      const h = hit[d];
      if (h === 1) return true;
      if (h === 2 && allowed.get(d)?.has(ti.patientOf[k]) === true) return true;
      if (h === 3 && matchValueTest(positive, [dictEntry(index, col, d, ti.patientOf[k])])) return true;
    }
    return false;
  };
  const pred: Pred = negate ? (k) => !entryHits(k) : entryHits;
  if (negate || hit.includes(3) || col.postings === undefined || col.postingStart === undefined) return { pred, estimate: ti.count };
  const { postings, postingStart } = col;
  const lists: Uint32Array[] = [];
  hit.forEach((h, d) => {
    if (h === 1) lists.push(postings.subarray(postingStart[d], postingStart[d + 1]));
  });
  const patients = [...new Set([...allowed.values()].flatMap((s) => [...s]))].sort((a, b) => a - b);
  for (const j of patients) {
    const from = ti.patientStart[j];
    const to = ti.patientStart[j + 1];
    lists.push(Uint32Array.from({ length: to - from }, (_, i) => from + i));
  }
  const estimate = lists.reduce((s, l) => s + l.length, 0);
  // Inverted lists of matching entries are exactly the matching resources; owners' ranges are not.
  return { pred, estimate, candidates: () => unionSorted(lists), exact: patients.length === 0 };
}

/** A `value` criterion on an interval column: each entry rebuilt in one scratch object per unit. */
function compileInterval(col: Extract<Column, { kind: 'interval' }>, ti: TypeIndex, test: ValueTest): Compiled {
  // One scratch entry (and one-element list) per unit part, refilled per slot: no allocation.
  const scratch = col.units.map((u) => ({ lo: 0, hi: 0, ...u }));
  const lists = scratch.map((entry) => [entry]);
  const { ids, unit } = col;
  const matchAt = (v: number): boolean => {
    const u = unit === undefined ? 0 : unit[v];
    const entry = scratch[u];
    entry.lo = col.lo[v];
    entry.hi = col.hi[v];
    return matchValueTest(test, lists[u]);
  };
  // A dictionary column decides each distinct interval once; a raw one, each distinct point value
  // (lo = hi: measured quantities, instants) per unit once — matchValueTest is a pure function.
  const memo = ids === undefined ? undefined : Uint8Array.from(col.lo, (_, v) => (matchAt(v) ? 1 : 0));
  const points = col.units.map(() => new Map<number, boolean>());
  const rawAt = (j: number): boolean => {
    const lo = col.lo[j];
    if (lo !== col.hi[j]) return matchAt(j);
    const seen = points[unit === undefined ? 0 : unit[j]];
    let hit = seen.get(lo);
    if (hit === undefined) seen.set(lo, (hit = matchAt(j)));
    return hit;
  };
  const pred: Pred = (k) => {
    const s = entryStart(col, k);
    const e = entryEnd(col, k);
    for (let j = s; j < e; j++) {
      if (ids !== undefined && memo !== undefined ? memo[ids[j]] === 1 : rawAt(j)) return true;
    }
    return false;
  };
  return { pred, estimate: ti.count };
}

function unionSorted(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 1) return lists[0];
  const all = new Uint32Array(lists.reduce((s, l) => s + l.length, 0));
  let at = 0;
  for (const l of lists) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i];
  return all.subarray(0, n);
}

function compile(index: CompactIndex, ti: TypeIndex, c: Criterion): Compiled | undefined {
  if (c.kind !== 'value' && c.kind !== 'missing') return undefined;
  const col = ti.columns.get(c.def);
  if (col === undefined) return undefined;
  if (c.kind === 'missing') {
    return {
      pred: (k) => {
        const s = entryStart(col, k);
    const e = entryEnd(col, k);
        return (e === s) === c.missing;
      },
      estimate: ti.count,
    };
  }
  return col.kind === 'dict' ? compileDict(index, ti, col, c.test) : compileInterval(col, ti, c.test);
}

/** The id of resource `k` (from its `_id` column). */
export function idAt(index: CompactIndex, ti: TypeIndex, k: number): string {
  const def = paramOf(ti.type, '_id');
  const col = def === undefined ? undefined : ti.columns.get(def);
  if (col === undefined) return '';
  const e = entriesAt(index, ti, col, k)[0] as { code?: string } | undefined;
  return e?.code ?? '';
}

/** Plans (and, when the index decides everything, answers) a search over a compact index. */
export function planIndexedSearch(index: CompactIndex, req: SearchRequest, opts: SearchOptions, needed = Infinity): IndexPlan {
  const parsed = parseSearch(req, opts);
  const ti = index.types.get(req.resourceType);
  if (ti === undefined) return { kind: 'exact', parsed, ordinals: new Uint32Array(0), total: 0 };
  const compiled: Compiled[] = [];
  const unindexed: string[] = [];
  for (const c of parsed.criteria) {
    const k = compile(index, ti, c);
    if (k === undefined) unindexed.push(c.key);
    else compiled.push(k);
  }
  const sortDefs = parsed.sort.map((s) => paramOf(req.resourceType, s.param));
  const sortCols = sortDefs.map((d) => (d === undefined ? undefined : ti.columns.get(d)));
  sortCols.forEach((c, i) => {
    if (c === undefined) unindexed.push(`_sort=${parsed.sort[i].param}`);
  });
  const source = compiled.filter((c) => c.candidates !== undefined).sort((a, b) => a.estimate - b.estimate)[0];
  const preds = compiled.filter((c) => !(c === source && c.exact === true)).map((c) => c.pred);
  const candidates = source?.candidates?.();
  const n = candidates === undefined ? ti.count : candidates.length;
  const out = new Uint32Array(n);
  let m = 0;
  next: for (let i = 0; i < n; i++) {
    const k = candidates === undefined ? i : candidates[i];
    for (let p = 0; p < preds.length; p++) if (!preds[p](k)) continue next;
    out[m++] = k;
  }
  const matched = out.slice(0, m);
  if (unindexed.length > 0) {
    const patients: number[] = [];
    for (const k of matched) {
      const p = ti.patientOf[k];
      if (patients[patients.length - 1] !== p) patients.push(p);
    }
    return { kind: 'narrowed', parsed, patients, unindexed };
  }
  if (parsed.sort.length === 0) return { kind: 'exact', parsed, ordinals: matched, total: matched.length };
  const cols = sortCols.filter((c): c is Column => c !== undefined);
  return { kind: 'exact', parsed, ordinals: Uint32Array.from(sortOrdinals(index, ti, matched, parsed.sort, cols, needed)), total: matched.length };
}

/** Each matched resource's value for one sort key (sort.ts `sortValue`, from the columns). */
function keyValues(index: CompactIndex, ti: TypeIndex, col: Column, matched: Uint32Array, descending: boolean): SortValue[] {
  const better = (v: string | number, best: SortValue): boolean => best === undefined || (descending ? v > best : v < best);
  const perDict =
    col.kind === 'dict'
      ? col.dict.map((slot) => ('entry' in slot ? sortValue(col.def.type, [slot.entry], descending) : null))
      : undefined;
  return Array.from(matched, (k) => {
    const s = entryStart(col, k);
    const e = entryEnd(col, k);
    let best: SortValue;
    for (let j = s; j < e; j++) {
      if (col.kind === 'interval') {
        const v = col.lo[col.ids === undefined ? j : col.ids[j]];
        if (better(v, best)) best = v;
        continue;
      }
      const v = perDict?.[col.ids[j]];
      if (v === null) return sortValue(col.def.type, entriesAt(index, ti, col, k), descending); // owner-templated: per resource
      if (v !== undefined && better(v, best)) best = v;
    }
    return best;
  });
}

/**
 * The matches in `_sort` order (sort.ts's comparator: keys, missing last, then id). Only the first
 * `needed` are ordered when that is a small part of the matches (a bounded heap), so a page of a
 * large result set costs one pass.
 */
function sortOrdinals(
  index: CompactIndex,
  ti: TypeIndex,
  matched: Uint32Array,
  keys: readonly SortKey[],
  cols: readonly Column[],
  needed: number,
): number[] {
  const values = cols.map((col, i) => keyValues(index, ti, col, matched, keys[i].descending));
  const ids = new Map<number, string>();
  const idOf = (i: number): string => {
    let id = ids.get(i);
    if (id === undefined) ids.set(i, (id = idAt(index, ti, matched[i])));
    return id;
  };
  const cmp = (a: number, b: number): number => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareSortValue(values[i][a], values[i][b], keys[i].descending);
      if (c !== 0) return c;
    }
    return compareIds(idOf(a), idOf(b));
  };
  const n = matched.length;
  let order: number[];
  if (needed * 4 >= n) {
    order = Array.from({ length: n }, (_, i) => i).sort(cmp);
  } else {
    // Max-heap (by cmp) of the best `needed` seen so far: the worst of them on top.
    const heap: number[] = [];
    const down = (at: number): void => {
      for (;;) {
        const [l, r] = [2 * at + 1, 2 * at + 2];
        let worst = at;
        if (l < heap.length && cmp(heap[l], heap[worst]) > 0) worst = l;
        if (r < heap.length && cmp(heap[r], heap[worst]) > 0) worst = r;
        if (worst === at) return;
        [heap[at], heap[worst]] = [heap[worst], heap[at]];
        at = worst;
      }
    };
    const up = (at: number): void => {
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (cmp(heap[at], heap[parent]) <= 0) return;
        [heap[at], heap[parent]] = [heap[parent], heap[at]];
        at = parent;
      }
    };
    for (let i = 0; i < n; i++) {
      if (heap.length < needed) {
        heap.push(i);
        up(heap.length - 1);
      } else if (cmp(i, heap[0]) < 0) {
        heap[0] = i;
        down(0);
      }
    }
    order = heap.sort(cmp);
  }
  return order.map((i) => matched[i]);
}
