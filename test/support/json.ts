import type { Meta } from 'fhir/r4';

import type { FhirResponse, Resource } from '../../src/fhir';

/**
 * A resource as tests read it: any element by name. The R4 types (@types/fhir) have no index
 * signature, so a test that inspects `body.total` or `body.entry` views the resource through this.
 */
export interface JsonResource {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: Meta;
  readonly [key: string]: unknown;
}

/** The JSON view of a resource (a test-only widening). */
export function asJson(r: Resource): JsonResource {
  return r as unknown as JsonResource;
}

/** A FhirResponse whose body tests read by element name. */
export interface JsonResponse extends Omit<FhirResponse, 'body'> {
  readonly body: JsonResource;
}

export function jsonResponse(r: FhirResponse): JsonResponse {
  return { ...r, body: asJson(r.body) };
}
