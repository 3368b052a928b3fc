import { didYouMean, SynthfhirError } from '../../errors';
import { searchsetBundle } from '../bundle';
import type { Handler } from '../context';
import { isServedType, SERVED_TYPES } from '../context';
import { parseFhirDateRange } from '../dates';
import { FHIR_JSON } from '../outcome';
import { parsePrefer } from '../prefer';
import type { PatientWindow } from '../repository';
import { warningOutcome } from '../search-handler';

import { loadOperationDefinition, parseOperationQuery } from './parameters';
import type { OperationDefinition, OperationValue } from './parameters';

/** The R4 definition this operation implements. See: https://hl7.org/fhir/R4/patient-operation-everything.html */
export const EVERYTHING_DEFINITION = 'http://hl7.org/fhir/OperationDefinition/Patient-everything';

let definition: OperationDefinition | undefined;
/** Its parameters, read once from profiles/OperationDefinition-Patient-everything.json (R4's, plus `_offset`). */
export function everythingOperationDefinition(): OperationDefinition {
  return (definition ??= loadOperationDefinition('OperationDefinition-Patient-everything.json'));
}

function invalid(param: string, detail: string): SynthfhirError {
  return new SynthfhirError('INVALID_SEARCH_PARAMETER', { detail }, [param]);
}

/** A date input as an epoch-ms bound: the start (`lo`) or end (`hi`) of its precision. */
function dateBound(param: string, values: readonly OperationValue[] | undefined, edge: 'lo' | 'hi'): number | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const r = parseFhirDateRange(String(values[0]));
  if (r === undefined) throw invalid(param, `${param} must be a FHIR date, got "${String(values[0])}".`);
  return r[edge];
}

/**
 * GET Patient/[id]/$everything: the patient and every resource of theirs, filtered by care dates
 * (start/end, at their own precision), _since (meta.lastUpdated) and _type, paged by _count/_offset.
 * Parameters come from the OperationDefinition; `_count`/`_offset` use search's own parser.
 */
export const everythingHandler: Handler = async ({ ctx, req, params, repo }) => {
  const strict = parsePrefer(req.headers.prefer).strict;
  const warnings: string[] = [];
  const input = parseOperationQuery(everythingOperationDefinition(), req.query, { strict, warnings });
  let types: Set<string> | undefined;
  for (const v of input._type ?? []) {
    for (const t of String(v).split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (!isServedType(t)) {
        throw invalid('_type', `_type "${t}" is not a served type${didYouMean(t, SERVED_TYPES)} (served: ${SERVED_TYPES.join(', ')}).`);
      }
      (types ??= new Set()).add(t);
    }
  }
  const count = input._count === undefined ? ctx.defaultCount : ctx.search.parseCount(String(input._count[0]), ctx.maxCount, warnings);
  const offset = input._offset === undefined ? 0 : ctx.search.parseOffset('_offset', String(input._offset[0]));
  const lo = dateBound('start', input.start, 'lo');
  const hi = dateBound('end', input.end, 'hi');
  const since = dateBound('_since', input._since, 'lo');
  const window: PatientWindow = {
    ...(lo !== undefined ? { lo } : {}),
    ...(hi !== undefined ? { hi } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(types !== undefined ? { types } : {}),
  };
  const matches = await repo.patientResources(params.id, window);
  const outcome = warningOutcome(warnings);
  return {
    status: 200,
    headers: { 'content-type': FHIR_JSON },
    body: searchsetBundle({
      baseUrl: req.baseUrl,
      path: `Patient/${params.id}/$everything`,
      params: req.query,
      matches: matches.slice(offset, offset + count),
      includes: [],
      total: matches.length,
      showTotal: true,
      offset,
      count,
      ...(outcome !== undefined ? { outcome } : {}),
    }),
    ...(repo.cohortOf(params.id) !== undefined ? { cohortId: repo.cohortOf(params.id) } : {}),
  };
};
