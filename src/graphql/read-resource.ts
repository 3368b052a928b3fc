import type { Resource } from '../fhir';

import type { Scope } from './context';

/**
 * Reads one resource through the scope's loader (a Group is a registered cohort, as REST's
 * GET Group/[id]). NOT_FOUND when absent: GraphQL makes the field null and adds the error.
 */
export function readResource(scope: Scope, type: string, id: string): Promise<Resource> {
  return scope.loaders.read.load(`${type}/${id}`);
}
