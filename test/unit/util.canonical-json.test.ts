import fc from 'fast-check';

import { canonicalJson, hashOf } from '../../src/util';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
  it('gives equal hashes for equal values built in different key orders', () => {
    expect(hashOf({ a: 1, b: 2 })).toBe(hashOf({ b: 2, a: 1 }));
    expect(hashOf({ a: 1, b: 2 })).not.toBe(hashOf({ a: 1, b: 3 }));
  });
  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });
});

/** The original implementation, kept here as the reference the fast path must equal byte for byte. */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => referenceCanonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceCanonicalJson(obj[k])}`).join(',')}}`;
}

describe('canonicalJson equals the reference implementation', () => {
  it('on arbitrary JSON values, with undefined members and numeric-looking keys', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '10', '2', 'a', 'A', 'é')), fc.oneof(fc.jsonValue(), fc.constant(undefined))),
        (json, dict) => {
          const value = { json, dict, nested: [dict, { z: json, a: undefined }] };
          expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
          expect(canonicalJson(json)).toBe(referenceCanonicalJson(json));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
  it('on the values the fast path declines (class instances, toJSON, holes, functions, __proto__)', () => {
    const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const protoKey = JSON.parse('{"__proto__": {"x": 1}, "b": 2}') as unknown;
    const cases: unknown[] = [
      { a: new Date(0), b: 1 },
      { a: new Map([[1, 2]]), size: 3 },
      { a: Float64Array.from([1, 2]), length: 2 },
      { toJSON: () => 'x', a: 1 },
      holes,
      { f: () => 1, a: [() => 2] },
      protoKey,
      [{ __proto__: null, b: 1, a: 2 }],
    ];
    for (const c of cases) expect(canonicalJson(c)).toBe(referenceCanonicalJson(c));
    expect(() => canonicalJson([1, Infinity])).toThrow(/non-finite/);
    expect(canonicalJson(undefined)).toBe('null');
  });
});
