import { z } from 'zod';

import { InvalidInputError } from '../errors';
import type { WhereJson } from '../schema';

import type { CohortRequest } from './cohorts';

/**
 * A cohort request as clients write it (POST /cohorts, `synthfhir cohort --spec`): Group/$cohort's
 * inputs plus balance; unknown fields refused. The where and balance are validated against the
 * model by CohortService.register.
 */
const REQUEST_SCHEMA = z
  .object({
    size: z.number().int(),
    seed: z.number().int(),
    where: z.record(z.string(), z.unknown()).optional(),
    balance: z.unknown().optional(),
    asOf: z.string().optional(),
    lookbackYears: z.number().int().optional(),
    modelHash: z.string().optional(),
    name: z.string().optional(),
  })
  .strict();

/**
 * Parses a cohort request from JSON; INVALID_INPUT naming every bad or unknown field otherwise,
 * its message starting with `what` ("Invalid cohort request", "spec.json: invalid cohort spec").
 */
export function parseCohortRequest(json: unknown, what: string): CohortRequest {
  const r = REQUEST_SCHEMA.safeParse(json);
  if (!r.success) {
    const fields = r.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys' ? i.keys : i.path.length > 0 ? [i.path.map(String).join('.')] : [],
    );
    const problems = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
    throw new InvalidInputError(`${what}: ${problems}`, fields.length > 0 ? [...new Set(fields)] : undefined);
  }
  const { where, ...rest } = r.data;
  return { ...rest, ...(where !== undefined ? { where: where as WhereJson } : {}) };
}
