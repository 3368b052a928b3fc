import type { Resource } from './types';

/** A resource's elements as read-only JSON: how search reads any element by name. */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * The structural view of a typed R4 resource. A FHIR resource is a JSON object, but @types/fhir's
 * interfaces carry no index signature, so reading an element by a name known only at run time (a
 * search parameter's path, `_elements`) goes through this one widening, never through casts
 * scattered over the facade.
 */
export function jsonOf(r: Resource): JsonObject {
  return r as unknown as JsonObject;
}

/** The inverse, for objects this module builds as JSON (summaries, element subsets). */
export function resourceOf(json: JsonObject): Resource {
  return json as unknown as Resource;
}
