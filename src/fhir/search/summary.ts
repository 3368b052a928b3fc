import { jsonOf, resourceOf } from './json';
import { elementsOf } from './registry';
import type { Coding, Resource, SummaryMode } from './types';

/**
 * `_summary` and `_elements`: new, shallow-copied resources holding only some top-level elements,
 * tagged SUBSETTED. The input (a cached, shared object) is never modified. Elements are kept or
 * dropped whole at the top level: a kept backbone element keeps all its children.
 * See: https://hl7.org/fhir/R4/search.html#summary, #elements
 */

/** The tag R4 asks servers to put on a subsetted resource (search.html#summary). */
export const SUBSETTED_TAG: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'Resource encoded in summary mode',
};

type Json = Record<string, unknown>;

/** Keys of `resource` that carry element `name` (choice `value[x]` → valueQuantity; `_x` extensions). */
function keysFor(resource: Json, name: string): string[] {
  const bare = name.replace('[x]', '');
  return Object.keys(resource).filter((k) => {
    const key = k.startsWith('_') ? k.slice(1) : k;
    if (key === bare) return true;
    return name.endsWith('[x]') && key.startsWith(bare) && /^[A-Z]/.test(key.slice(bare.length));
  });
}

function withTag(meta: unknown): Json {
  const m = (typeof meta === 'object' && meta !== null ? meta : {}) as Json;
  const tags = Array.isArray(m.tag) ? (m.tag as Coding[]) : [];
  if (tags.some((t) => t.system === SUBSETTED_TAG.system && t.code === SUBSETTED_TAG.code)) return { ...m };
  return { ...m, tag: [...tags, { ...SUBSETTED_TAG }] };
}

function subset(resource: Resource, names: readonly string[]): Resource {
  const src = jsonOf(resource);
  const out: Json = { resourceType: resource.resourceType };
  const keep = new Set<string>();
  for (const name of ['id', 'meta', ...names]) for (const k of keysFor(src, name)) keep.add(k);
  for (const k of Object.keys(src)) if (keep.has(k)) out[k] = src[k]; // source key order
  out.meta = withTag(src.meta);
  return resourceOf(out);
}

/** The resource as `_summary=mode` asks; `false` and `count` return it as is. */
export function applySummary(resource: Resource, mode: SummaryMode): Resource {
  const facts = elementsOf(resource.resourceType);
  switch (mode) {
    case 'false':
    case 'count':
      return resource;
    case 'true':
      return subset(resource, [...facts.summary, ...facts.mandatory]);
    case 'text':
      return subset(resource, ['text', ...facts.mandatory]);
    case 'data':
      return subset(
        resource,
        facts.all.filter((e) => e !== 'text'),
      );
  }
}

/** Only the named top-level elements (plus id, meta and the mandatory ones R4 says to keep). */
export function applyElements(resource: Resource, elements: readonly string[]): Resource {
  const facts = elementsOf(resource.resourceType);
  const declared = (name: string): string => (facts.all.includes(`${name}[x]`) ? `${name}[x]` : name);
  return subset(resource, [...elements.map(declared), ...facts.mandatory]);
}
