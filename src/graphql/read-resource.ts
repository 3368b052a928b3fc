import { NotFoundError } from '../errors';
import type { Resource } from '../fhir';
import { toGroup } from '../fhir';

import type { GraphqlContext, Scope } from './context';

/**
 * Reads one resource through the scope's loader; a Group is a registered cohort (as REST's
 * GET Group/[id]). NOT_FOUND when absent: GraphQL makes the field null and adds the error.
 */
export async function readResource(scope: Scope, ctx: GraphqlContext, type: string, id: string): Promise<Resource> {
  if (type === 'Group') {
    try {
      return toGroup(await ctx.deps.cohorts.resolve(id));
    } catch (e) {
      if (e instanceof NotFoundError) throw new NotFoundError(`Group/${id} does not exist.`);
      throw e;
    }
  }
  return scope.loaders.read.load(`${type}/${id}`);
}
