import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, no whitespace, numbers as JSON.stringify prints them.
 * Two equal values always give the same string, so hashes of specs and models are stable.
 * See: RFC 8785 (JCS) — this is the subset we need (no exotic numbers: NaN/Infinity throw).
 */
export function canonicalJson(value: unknown): string {
  const keys = new Set<string>();
  if (plainKeys(value, keys)) return JSON.stringify(value, [...keys].sort()) ?? 'null';
  return slowCanonicalJson(value);
}

/**
 * Collects every object key of a tree of plain JSON data (plain objects, arrays, strings, finite
 * numbers, booleans, null, undefined) into `keys`. Returns false for anything else — a
 * non-finite number, a class instance, a function, an object with toJSON, a `__proto__` key —
 * which the reference implementation handles (and, for non-finite numbers, refuses).
 *
 * Why: for such data, JSON.stringify with the sorted union of all keys as its property list
 * prints exactly the canonical form (the list fixes the key order at every depth; arrays ignore
 * it; undefined members are skipped, as here), natively and several times faster — the model
 * hash on every start of the CLI and server, cohort ids, stream keys (issue 11 §4).
 */
function plainKeys(value: unknown, keys: Set<string>): boolean {
  if (value === null || value === undefined) return true;
  const type = typeof value;
  if (type === 'string' || type === 'boolean') return true;
  if (type === 'number') return Number.isFinite(value);
  if (type !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return false; // a hole: the reference prints nothing there, JSON null
      const v: unknown = value[i];
      // JSON.stringify prints a function or symbol element as null; the reference does not.
      if (typeof v === 'object' ? !plainKeys(v, keys) : typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const obj = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(obj, 'toJSON')) return false;
  for (const k in obj) {
    if (k === '__proto__' || !Object.prototype.hasOwnProperty.call(obj, k)) return false;
    keys.add(k);
    if (!plainKeys(obj[k], keys)) return false;
  }
  return true;
}

/** The reference implementation (and the path for anything but plain JSON data). */
function slowCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`canonicalJson: non-finite number ${value}`);
    }
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v: unknown) => slowCanonicalJson(v)).join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${slowCanonicalJson(obj[k])}`).join(',')}}`;
}

/** Hex sha256 of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex sha256 of the canonical JSON of a value. */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
