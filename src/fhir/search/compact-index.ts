import type { AnyEntry } from './entries';
import { extractViaFastPath, extractViaFhirpath } from './extract';
import { fastExtractorOf } from './fast-paths';
import { paramsOf, type ParamDef } from './registry';
import type { Resource } from './types';

/**
 * A compact, columnar search index of a whole cohort (issue 11 §3): for every resource, the entries
 * of the indexed parameters — the very entries the engine's `extract` gives (fast path, else
 * FHIRPath) — dictionary-encoded in typed arrays, plus a locator (patient index, position in the
 * patient's record). Resource objects are not kept: a page is regenerated from its locators.
 *
 * Entries that name the owner patient (`Patient/<pid>`, `Encounter/<pid>-e3`, `_id` `<pid>-o12`)
 * are stored once as a template, the patient id replaced by a marker, so the dictionaries stay as
 * small as the set of distinct codes, not of patients. Dates, numbers and quantities are stored as
 * their interval (lo, hi) in Float64 columns with a dictionary of their units.
 * See: docs/ARCHITECTURE.md "Search"; src/fhir/search/README.md "Compact index".
 */

/** Marks the owner patient's id inside a templated entry's JSON. */
export const PATIENT_MARK = '\u0000';
/** Dictionary ids: 16 bits when the dictionary allows it, else 32. */
export type Ids = Uint16Array | Uint32Array;
/** Distinct (lo, hi, unit) triples an interval column may hold before it stores raw intervals instead. */
const INTERVAL_DICT_CAP = 4096;

/** Parameters without a fast path that are still indexed (through FHIRPath, at build). */
const EXTRA_INDEXED: Readonly<Record<string, readonly string[]>> = {
  MedicationRequest: ['code', 'status', 'intent', 'authoredon', 'subject', 'patient', 'encounter', 'medication'],
};

const INTERVAL_TYPES: ReadonlySet<string> = new Set(['date', 'number', 'quantity']);
const TEMPLATED_TYPES: ReadonlySet<string> = new Set(['token', 'reference', 'uri']);

/** The parameters of `type` this index holds: every simple one with a fast path (plus a few more). */
export function indexedParams(type: string): ParamDef[] {
  return [...paramsOf(type).values()].filter(
    (d) =>
      d.expression !== undefined &&
      d.type !== 'composite' &&
      d.type !== 'special' &&
      (fastExtractorOf(type, d.code) !== undefined || (EXTRA_INDEXED[type] ?? []).includes(d.code)),
  );
}

/** A typed array that doubles as it grows; `done()` is a copy of exactly what was pushed. */
class Grow<A extends Uint32Array | Float64Array> {
  n = 0;
  constructor(private a: A) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new (this.a.constructor as new (length: number) => A)(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): A {
    return this.a.slice(0, this.n) as A;
  }
}
type GrowU32 = Grow<Uint32Array>;
type GrowF64 = Grow<Float64Array>;
const growU32 = (): GrowU32 => new Grow(new Uint32Array(1024));
const growF64 = (): GrowF64 => new Grow(new Float64Array(1024));

/** One dictionary entry: an entry object, or the JSON template of one naming its owner patient. */
export type DictEntry = { readonly entry: AnyEntry } | { readonly template: string };

/** Entries of one parameter, dictionary-encoded. `offsets` absent: at most one entry per resource (`ids[k]`, or `none`). */
export interface DictColumn {
  readonly kind: 'dict';
  readonly def: ParamDef;
  readonly offsets: Uint32Array | undefined;
  readonly ids: Ids;
  /** The id that means "no entry" in a single-valued column. */
  readonly none: number;
  readonly dict: readonly DictEntry[];
  /** Inverted lists (ordinals ascending) per dictionary id, for token and reference columns: [start[d], start[d+1]). */
  readonly postingStart: Uint32Array | undefined;
  readonly postings: Uint32Array | undefined;
}

/**
 * Dates, numbers, quantities: the interval of each entry and its unit part. Either raw (`ids`
 * absent: `lo`/`hi`/`unit` per entry slot; single-valued: `lo` NaN = none) or, when few distinct
 * intervals exist (`_lastUpdated`, lab values), a dictionary: slot j is `lo[ids[j]]`… (`none` = no
 * entry). `unit` absent: every entry has unit 0. `offsets` absent: at most one entry per resource.
 */
export interface IntervalColumn {
  readonly kind: 'interval';
  readonly def: ParamDef;
  readonly offsets: Uint32Array | undefined;
  readonly ids: Ids | undefined;
  readonly none: number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly unit: Ids | undefined;
  /** The non-interval fields of the entries (system, code, unit of a quantity; empty for dates). */
  readonly units: readonly Readonly<Record<string, string>>[];
}

export type Column = DictColumn | IntervalColumn;

/** The index of one resource type: locators and columns, ordinals in cohort (corpus) order. */
export interface TypeIndex {
  readonly type: string;
  readonly count: number;
  readonly patientOf: Uint32Array;
  readonly posOf: Uint16Array;
  /** Ordinals of patient i: [patientStart[i], patientStart[i+1]). */
  readonly patientStart: Uint32Array;
  readonly columns: ReadonlyMap<ParamDef, Column>;
}

/** How the index names patients: the cohort's id scheme, given by the caller (search/ knows no cohorts). */
export interface PatientNaming {
  /** The id of patient `index`. */
  patientId(index: number): string;
  /** Indexes of this cohort's patients whose ids appear in a query text. */
  patientIndexesIn(text: string): readonly number[];
}

/** A whole cohort's compact index. */
export interface CompactIndex {
  readonly patients: number;
  readonly types: ReadonlyMap<string, TypeIndex>;
  readonly naming: PatientNaming;
  /** Bytes of the typed arrays, plus an estimate of the dictionaries' heap. */
  readonly bytes: number;
}

/** The entries of `def` on `r`, exactly as the engine extracts them (fast path, else FHIRPath). */
function entriesOf(def: ParamDef, r: Resource): readonly AnyEntry[] {
  return (extractViaFastPath(def, r) ?? extractViaFhirpath(def, r)) as readonly AnyEntry[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Separators of an entry's dictionary key (never in FHIR strings): between fields, and name from value. */
const FIELD = '\u0001';
const VALUE = '\u0002';

/** A dictionary key equal for equal entries: flat string fields joined (cheaper than JSON), else JSON. */
function entryKey(e: AnyEntry): string {
  if (typeof e === 'string') return `${VALUE}${e}${FIELD}`;
  let key = '';
  const o = e as unknown as Readonly<Record<string, unknown>>;
  for (const name in o) {
    const v = o[name];
    if (typeof v !== 'string') return JSON.stringify(e);
    key += `${name}${VALUE}${v}${FIELD}`;
  }
  return key;
}

interface DictBuild {
  kind: 'dict';
  def: ParamDef;
  counts: GrowU32;
  ids: GrowU32;
  keys: Map<string, number>;
  dict: DictEntry[];
}
interface IntervalBuild {
  kind: 'interval';
  def: ParamDef;
  counts: GrowU32;
  lo: GrowF64;
  hi: GrowF64;
  unit: GrowU32;
  unitKeys: Map<string, number>;
  units: Record<string, string>[];
  /** Distinct (lo, hi, unit) → id, until INTERVAL_DICT_CAP is passed (then undefined: raw). */
  triples: Map<string, number> | undefined;
  tripleIds: GrowU32;
}
type ColumnBuild = DictBuild | IntervalBuild;

interface TypeBuild {
  type: string;
  patientOf: GrowU32;
  posOf: GrowU32;
  patientStart: number[];
  columns: ColumnBuild[];
}

/** Builds a CompactIndex patient by patient (index order). */
export class CompactIndexBuilder {
  private readonly types = new Map<string, TypeBuild>();
  private patients = 0;

  constructor(private readonly naming: PatientNaming) {}

  /** Adds patient `index` (the next one) with its record's resources in record order. */
  addPatient(index: number, resources: readonly Resource[]): void {
    if (index !== this.patients) throw new Error(`patients must be added in index order: got ${index}, expected ${this.patients}`);
    const pid = this.naming.patientId(index);
    const pidRe = new RegExp(`(^|[${FIELD}${VALUE}"/])${escapeRe(pid)}(?=$|[${FIELD}"/-])`, 'g');
    for (const t of this.types.values()) t.patientStart.push(t.patientOf.n);
    resources.forEach((r, pos) => {
      const t = this.typeBuild(r.resourceType);
      t.patientOf.push(index);
      t.posOf.push(pos);
      for (const c of t.columns) {
        const entries = entriesOf(c.def, r);
        c.counts.push(entries.length);
        for (const e of entries) {
          if (c.kind === 'interval') this.addInterval(c, e);
          else this.addDict(c, e, pid, pidRe);
        }
      }
    });
    this.patients += 1;
  }

  private typeBuild(type: string): TypeBuild {
    let t = this.types.get(type);
    if (t === undefined) {
      const columns: ColumnBuild[] = indexedParams(type).map((def): ColumnBuild =>
        INTERVAL_TYPES.has(def.type)
          ? { kind: 'interval', def, counts: growU32(), lo: growF64(), hi: growF64(), unit: growU32(), unitKeys: new Map(), units: [], triples: new Map(), tripleIds: growU32() }
          : { kind: 'dict', def, counts: growU32(), ids: growU32(), keys: new Map(), dict: [] },
      );
      // A type first met at patient i has no resources in patients 0..i-1 (nor in i so far).
      t = { type, patientOf: growU32(), posOf: growU32(), patientStart: new Array<number>(this.patients + 1).fill(0), columns };
      this.types.set(type, t);
    }
    return t;
  }

  private addInterval(c: IntervalBuild, e: AnyEntry): void {
    const { lo, hi, ...rest } = e as { lo: number; hi: number } & Record<string, string>;
    const key = JSON.stringify(rest);
    let u = c.unitKeys.get(key);
    if (u === undefined) {
      u = c.units.length;
      c.units.push(rest);
      c.unitKeys.set(key, u);
    }
    c.lo.push(lo);
    c.hi.push(hi);
    c.unit.push(u);
    if (c.triples !== undefined) {
      const k = `${lo}|${hi}|${u}`;
      let t = c.triples.get(k);
      if (t === undefined) {
        t = c.triples.size;
        c.triples.set(k, t);
      }
      c.tripleIds.push(t);
      if (c.triples.size > INTERVAL_DICT_CAP) c.triples = undefined;
    }
  }

  private addDict(c: DictBuild, e: AnyEntry, pid: string, pidRe: RegExp): void {
    const raw = entryKey(e);
    const key = TEMPLATED_TYPES.has(c.def.type) && raw.includes(pid) ? raw.replace(pidRe, `$1${PATIENT_MARK}`) : raw;
    let d = c.keys.get(key);
    if (d === undefined) {
      d = c.dict.length;
      // The key and the JSON hold the same strings between the same boundaries: templated alike.
      c.dict.push(key.includes(PATIENT_MARK) ? { template: JSON.stringify(e).replace(pidRe, `$1${PATIENT_MARK}`) } : { entry: e });
      c.keys.set(key, d);
    }
    c.ids.push(d);
  }

  /** The finished index (the builder must not be used afterwards). */
  finish(): CompactIndex {
    const types = new Map<string, TypeIndex>();
    let bytes = 0;
    for (const t of this.types.values()) {
      const count = t.patientOf.n;
      const patientStart = Uint32Array.from([...t.patientStart, count]);
      const columns = new Map<ParamDef, Column>();
      for (const c of t.columns) {
        const col = finishColumn(c, count);
        columns.set(c.def, col);
        bytes += columnBytes(col);
      }
      const ti: TypeIndex = { type: t.type, count, patientOf: t.patientOf.done(), posOf: Uint16Array.from(t.posOf.done()), patientStart, columns };
      bytes += ti.patientOf.byteLength + ti.posOf.byteLength + ti.patientStart.byteLength;
      types.set(t.type, ti);
    }
    return { patients: this.patients, types, naming: this.naming, bytes };
  }
}

/** Heap estimate of a dictionary entry: its JSON as UTF-16 plus object overhead. */
const DICT_ENTRY_OVERHEAD_BYTES = 64;

function columnBytes(c: Column): number {
  const arrays = c.kind === 'dict' ? [c.offsets, c.ids, c.postingStart, c.postings] : [c.offsets, c.ids, c.lo, c.hi, c.unit];
  const dict =
    c.kind === 'dict'
      ? c.dict.reduce((s, d) => s + DICT_ENTRY_OVERHEAD_BYTES + 2 * ('template' in d ? d.template.length : JSON.stringify(d.entry).length), 0)
      : c.units.reduce((s, u) => s + DICT_ENTRY_OVERHEAD_BYTES + 2 * JSON.stringify(u).length, 0);
  return arrays.reduce((s, a) => s + (a?.byteLength ?? 0), 0) + dict;
}

/** Ids in the narrowest array that holds `max` and a "none" value above it. */
function narrowIds(ids: ArrayLike<number>, max: number): { ids: Ids; none: number } {
  if (max < 0xffff) return { ids: Uint16Array.from(ids), none: 0xffff };
  return { ids: Uint32Array.from(ids), none: 0xffffffff };
}

/** Slot ids of a single-valued column: resource k's one id, or `none`. */
function singleIds(ids: ArrayLike<number>, counts: Uint32Array, max: number): { ids: Ids; none: number } {
  const out = narrowIds(new Uint32Array(counts.length), max);
  out.ids.fill(out.none);
  let j = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) out.ids[k] = ids[j++];
  return out;
}

function finishColumn(c: ColumnBuild, count: number): Column {
  const counts = c.counts.done();
  const single = counts.every((n) => n <= 1);
  let offsets: Uint32Array | undefined;
  if (!single) {
    offsets = new Uint32Array(count + 1);
    for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k] + counts[k];
  }
  if (c.kind === 'interval') {
    const base = { kind: 'interval' as const, def: c.def, offsets, units: c.units };
    const rawLo = c.lo.done();
    const rawHi = c.hi.done();
    const rawUnit = c.unit.done();
    if (c.triples !== undefined) {
      // Few distinct intervals: a dictionary of them, and 16-bit ids per slot.
      const n = c.triples.size;
      const [lo, hi, unit] = [new Float64Array(n), new Float64Array(n), new Uint32Array(n)];
      const tripleIds = c.tripleIds.done();
      tripleIds.forEach((t, j) => {
        [lo[t], hi[t], unit[t]] = [rawLo[j], rawHi[j], rawUnit[j]];
      });
      const ids = single ? singleIds(tripleIds, counts, n) : narrowIds(tripleIds, n);
      return { ...base, ...ids, lo, hi, unit: c.units.length <= 1 ? undefined : narrowIds(unit, c.units.length).ids };
    }
    let [lo, hi, unit] = [rawLo, rawHi, rawUnit];
    if (single) {
      [lo, hi, unit] = [new Float64Array(count).fill(NaN), new Float64Array(count), new Uint32Array(count)];
      let j = 0;
      for (let k = 0; k < count; k++) {
        if (counts[k] === 0) continue;
        [lo[k], hi[k], unit[k]] = [rawLo[j], rawHi[j], rawUnit[j]];
        j++;
      }
    }
    return { ...base, ids: undefined, none: 0, lo, hi, unit: c.units.length <= 1 ? undefined : narrowIds(unit, c.units.length).ids };
  }
  const raw = c.ids.done();
  const ids = single ? singleIds(raw, counts, c.dict.length) : narrowIds(raw, c.dict.length);
  const col: DictColumn = { kind: 'dict', def: c.def, offsets, ...ids, dict: c.dict, postingStart: undefined, postings: undefined };
  // Inverted lists narrow token and reference searches; a one-entry dictionary has nothing to narrow.
  return (c.def.type === 'token' || c.def.type === 'reference') && c.dict.length > 1 ? withPostings(col, count) : col;
}

/** Adds inverted lists (ordinals ascending, each once per dictionary id) to a dictionary column. */
function withPostings(col: DictColumn, count: number): DictColumn {
  const n = col.dict.length;
  const last = new Int32Array(n).fill(-1);
  const sizes = new Uint32Array(n + 1);
  const each = (f: (d: number, k: number) => void): void => {
    for (let k = 0; k < count; k++) {
      const [s, e] = entryRange(col, k);
      for (let j = s; j < e; j++) f(col.ids[j], k);
    }
  };
  each((d, k) => {
    if (last[d] !== k) {
      last[d] = k;
      sizes[d + 1]++;
    }
  });
  for (let d = 0; d < n; d++) sizes[d + 1] += sizes[d];
  const postings = new Uint32Array(sizes[n]);
  const fill = sizes.slice(0, n);
  last.fill(-1);
  each((d, k) => {
    if (last[d] !== k) {
      last[d] = k;
      postings[fill[d]++] = k;
    }
  });
  return { ...col, postingStart: sizes, postings };
}

/** The first entry slot of resource `k` in a column (no allocation: hot loops use these two). */
export function entryStart(c: Column, k: number): number {
  return c.offsets !== undefined ? c.offsets[k] : k;
}

/** One past the last entry slot of resource `k` in a column. */
export function entryEnd(c: Column, k: number): number {
  if (c.offsets !== undefined) return c.offsets[k + 1];
  const present = c.ids !== undefined ? c.ids[k] !== c.none : c.kind === 'interval' && !Number.isNaN(c.lo[k]);
  return present ? k + 1 : k;
}

/** The entry slots [start, end) of resource `k` in a column. */
export function entryRange(c: Column, k: number): [number, number] {
  if (c.offsets !== undefined) return [c.offsets[k], c.offsets[k + 1]];
  const present = c.ids !== undefined ? c.ids[k] !== c.none : c.kind === 'interval' && !Number.isNaN(c.lo[k]);
  return present ? [k, k + 1] : [k, k];
}

/** Parameter types whose entries are intervals (Float64 columns). */
export function isIntervalType(t: string): boolean {
  return INTERVAL_TYPES.has(t);
}
