import { invariant } from '../../util';
import { toEntries, type AnyEntry, type CompositeEntry, type SimpleParamType } from './entries';
import { fastExtractorOf } from './fast-paths';
import { evaluateComposite, evaluateTyped, type TypedValue } from './fhirpath-engine';
import { implicitSystemOf, type ParamDef } from './registry';
import type { Resource } from './types';

/**
 * Per-resource, per-parameter index entries, computed once and cached in WeakMaps keyed by the
 * (immutable) resource object, so a corpus pays for an extraction once and the entries go away
 * with the corpus. Fast and FHIRPath entries have separate caches so tests can compare them.
 */
export type Extracted = readonly AnyEntry[] | readonly CompositeEntry[];

// Keyed by resource, then by the registry's ParamDef object (stable for the process).
const fastCache = new WeakMap<Resource, Map<ParamDef, Extracted>>();
const slowCache = new WeakMap<Resource, Map<ParamDef, Extracted>>();

function toParamEntries(paramType: SimpleParamType, values: readonly TypedValue[]): AnyEntry[] {
  const out: AnyEntry[] = [];
  for (const tv of values) {
    const implicit = tv.fhirType === 'code' && tv.elementPath !== undefined ? implicitSystemOf(tv.elementPath) : undefined;
    for (const e of toEntries(paramType, tv.fhirType, tv.value, implicit)) out.push(e);
  }
  return out;
}

/** Entries through the parameter's FHIRPath definition. */
export function extractViaFhirpath(def: ParamDef, resource: Resource): Extracted {
  invariant(def.expression !== undefined, `parameter ${def.code} has no expression`);
  if (def.type === 'composite') {
    const roots = evaluateComposite(
      def.expression,
      def.components.map((c) => c.expression),
      resource,
    );
    return roots.map((components) =>
      components.map((values, i) => toParamEntries(def.components[i].type as SimpleParamType, values)),
    );
  }
  invariant(def.type !== 'special', `special parameter ${def.code} is not extractable`);
  return toParamEntries(def.type, evaluateTyped(def.expression, resource));
}

/** Entries through the direct extractor, or undefined when the parameter has none. */
export function extractViaFastPath(def: ParamDef, resource: Resource): Extracted | undefined {
  const fast = fastExtractorOf(def.resourceType, def.code);
  if (fast === undefined || def.type === 'composite' || def.type === 'special') return undefined;
  return toParamEntries(def.type, fast(resource));
}

/** Cached entries of `def` for `resource` (fast path when allowed and available). */
export function extract(def: ParamDef, resource: Resource, fastPaths: boolean): Extracted {
  const cache = fastPaths ? fastCache : slowCache;
  let perResource = cache.get(resource);
  if (perResource === undefined) {
    perResource = new Map();
    cache.set(resource, perResource);
  }
  let entries = perResource.get(def);
  if (entries === undefined) {
    entries = (fastPaths ? extractViaFastPath(def, resource) : undefined) ?? extractViaFhirpath(def, resource);
    perResource.set(def, entries);
  }
  return entries;
}
