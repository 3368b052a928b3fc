/**
 * Contract: the fast paths (direct extractors, indexes, corpus.get/byPatient access) return
 * exactly what the parameters' FHIRPath definitions return. Corpora: 40 generated patients, the
 * MIMIC-IV demo subset (real, varied shapes) and the hand-written edge cases.
 */
import fc from 'fast-check';

import { corpusFromResources, executeSearch } from '../../src/fhir/search';
import type { AnyEntry, QuantityEntry, RefEntry, StringEntry, TokenEntry } from '../../src/fhir/search/entries';
import { extractViaFastPath, extractViaFhirpath } from '../../src/fhir/search/extract';
import { fastPathParams } from '../../src/fhir/search/fast-paths';
import type { Interval } from '../../src/fhir/search/ranges';
import { paramOf } from '../../src/fhir/search/registry';
import type { Resource } from '../../src/fhir/search/types';
import { generatedResources, handResources, mimicResources, OPTIONS } from '../unit/fhir/search/helpers';

const resources: Resource[] = [...generatedResources(40), ...mimicResources(), ...handResources()];
const corpus = corpusFromResources(resources);

describe('fast extractors give the FHIRPath entries, resource by resource', () => {
  test.each(fastPathParams().map(([t, c]) => [t, c]))('%s.%s', (type, code) => {
    const def = paramOf(type, code);
    expect(def?.code).toBe(code);
    expect(def?.resourceType).toBe(type);
    const mine = resources.filter((r) => r.resourceType === type);
    expect(mine.length).toBeGreaterThan(0);
    const mismatches = mine
      .filter((r) => JSON.stringify(extractViaFastPath(def!, r)) !== JSON.stringify(extractViaFhirpath(def!, r)))
      .map((r) => r.id);
    expect(mismatches).toEqual([]);
    // The comparison means something: the parameter finds values somewhere in the corpus.
    expect(mine.some((r) => extractViaFhirpath(def!, r).length > 0)).toBe(true);
  });
});

const pools = new Map<string, AnyEntry[]>();
/** Query values drawn from what the corpus actually holds, per (type, parameter); computed once. */
function pool(type: string, code: string): AnyEntry[] {
  const key = `${type}.${code}`;
  let entries = pools.get(key);
  if (entries === undefined) {
    const def = paramOf(type, code)!;
    entries = resources.filter((r) => r.resourceType === type).flatMap((r) => [...(extractViaFhirpath(def, r) as AnyEntry[])]);
    pools.set(key, entries);
  }
  return entries;
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

function isoAt(ms: number, precision: number): string {
  const iso = new Date(ms).toISOString(); // 2023-01-10T09:15:00.000Z
  return [iso.slice(0, 4), iso.slice(0, 7), iso.slice(0, 10), `${iso.slice(0, 19)}Z`][precision];
}

/** A [key, value] criterion for a fast-path parameter, built from one of its real entries. */
function criterion(type: string, code: string): fc.Arbitrary<[string, string]> {
  const def = paramOf(type, code)!;
  const entries = pool(type, code);
  const pickEntry = fc.constantFrom(...entries);
  switch (def.type) {
    case 'token':
      return fc.tuple(pickEntry, fc.integer({ min: 0, max: 4 })).map(([e, form]) => {
        const t = e as TokenEntry;
        const c = t.code ?? 'none';
        const forms: Array<[string, string]> = [
          [code, c],
          [code, `${t.system ?? ''}|${c}`],
          [code, t.system === undefined ? `|${c}` : `${t.system}|`],
          [`${code}:not`, c],
          [code, `${c},zz-no-such-code`],
        ];
        return forms[form];
      });
    case 'date':
      return fc
        .tuple(pickEntry, fc.constantFrom(...PREFIXES), fc.integer({ min: 0, max: 3 }))
        .map(([e, p, prec]) => {
          const r = e as Interval;
          const at = Number.isFinite(r.lo) ? r.lo : r.hi;
          return [code, `${p}${isoAt(at, prec)}`];
        });
    case 'reference':
      return fc.tuple(pickEntry, fc.boolean()).map(([e, full]) => {
        const r = e as RefEntry;
        return [code, full && r.type !== undefined ? `${r.type}/${r.id ?? ''}` : (r.id ?? r.reference ?? 'x')];
      });
    case 'quantity':
      return fc.tuple(pickEntry, fc.constantFrom(...PREFIXES), fc.boolean()).map(([e, p, units]) => {
        const q = e as QuantityEntry;
        const v = String(q.lo);
        return [code, units && q.code !== undefined ? `${p}${v}|${q.system ?? ''}|${q.code}` : `${p}${v}`];
      });
    case 'string':
      return fc.tuple(pickEntry, fc.integer({ min: 1, max: 4 }), fc.constantFrom('', ':exact', ':contains')).map(([e, n, m]) => {
        const s = e as StringEntry;
        return [`${code}${m}`, m === ':exact' ? s.raw : s.raw.slice(0, n)];
      });
    case 'uri':
      return pickEntry.map((e) => [code, e as string]);
    case 'number':
    case 'composite':
    case 'special':
      throw new Error(`no generator for ${def.type}`);
  }
}

const TYPES = ['Patient', 'Observation', 'Encounter', 'Condition'];

const query: fc.Arbitrary<[string, Array<[string, string]>]> = fc.constantFrom(...TYPES).chain((type) => {
  const codes = fastPathParams()
    .filter(([t, c]) => t === type && pool(t, c).length > 0)
    .map(([, c]) => c);
  const one = fc.constantFrom(...codes).chain((c) => criterion(type, c));
  return fc.tuple(fc.constant(type), fc.array(one, { minLength: 1, maxLength: 3 }));
});

test('searches with fast paths return the same resources, in the same order, as pure FHIRPath', () => {
  fc.assert(
    fc.property(query, fc.boolean(), ([type, params], sorted) => {
      const all = sorted ? [...params, ['_sort', `-${params[0][0].split(':')[0]}`] as [string, string]] : params;
      const req = { resourceType: type, params: all, strict: true };
      const fast = executeSearch(corpus, req, { ...OPTIONS, fastPaths: true }).matches.map((r) => r.id);
      const slow = executeSearch(corpus, req, { ...OPTIONS, fastPaths: false }).matches.map((r) => r.id);
      expect(fast).toEqual(slow);
    }),
    // 300 random searches: each is a few ms over ~3.6k resources; seed fixed for reproducibility.
    { numRuns: 300, seed: 20240601 },
  );
});
