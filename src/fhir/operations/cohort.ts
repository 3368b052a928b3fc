import { InvalidWhereError } from '../../errors';
import type { WhereJson } from '../../schema';
import type { Handler } from '../context';
import { FHIR_JSON } from '../outcome';
import { resourceHeaders } from '../read';

import { toGroup } from './group';
import { loadOperationDefinition, parseOperationInput } from './parameters';
import type { OperationDefinition } from './parameters';

let definition: OperationDefinition | undefined;
/** The operation's definition, read once from profiles/OperationDefinition-cohort.json. */
export function cohortOperationDefinition(): OperationDefinition {
  return (definition ??= loadOperationDefinition('OperationDefinition-cohort.json'));
}

/** Canonical URL of the cohort operation. */
export const COHORT_DEFINITION = 'https://synthfhir.dev/fhir/OperationDefinition/cohort';

function parseWhereText(text: string): WhereJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidWhereError('INVALID_WHERE', { detail: `"where" is not JSON: ${text}` }, ['where']);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidWhereError('INVALID_WHERE', { detail: `"where" must be a JSON object, got ${text}` }, ['where']);
  }
  return json as WhereJson;
}

/**
 * Group/$cohort (GET with query parameters, or POST with a Parameters body or a form): registers
 * the cohort (idempotent) and returns it as an actual Group. Bad input is 400; a subgroup the model
 * cannot support is 422 UNSUPPORTED_SUBGROUP / CONTRADICTS_SCHEMA.
 */
export const cohortHandler: Handler = async ({ ctx, req }) => {
  const input = parseOperationInput(cohortOperationDefinition(), [...req.query, ...(req.form ?? [])], req.body);
  const cohort = await ctx.cohorts.register({
    size: input.size as number,
    seed: input.seed as number,
    ...(typeof input.where === 'string' ? { where: parseWhereText(input.where) } : {}),
    ...(typeof input.asOf === 'string' ? { asOf: input.asOf } : {}),
    ...(typeof input.name === 'string' ? { name: input.name } : {}),
  });
  const group = toGroup(cohort);
  return {
    status: 200,
    headers: { ...resourceHeaders(group), 'content-location': `Group/${cohort.id}` },
    body: group,
    cohortId: cohort.id,
  };
};

/** GET Group/[id]: a registered cohort as an actual Group. */
export const groupReadHandler: Handler = async ({ params, repo }) => {
  const group = await repo.read('Group', params.id);
  return { status: 200, headers: { ...resourceHeaders(group), 'content-type': FHIR_JSON }, body: group, cohortId: params.id };
};
