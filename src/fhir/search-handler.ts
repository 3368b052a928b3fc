import { searchsetBundle } from './bundle';
import type { Handler } from './context';
import { FHIR_JSON, operationOutcome } from './outcome';
import { parsePrefer } from './prefer';
import type { FhirResponse, OperationOutcome } from './types';

/** Parameters handled by the HTTP layer, not by search. */
const TRANSPORT_PARAMS = new Set(['_format', '_pretty']);

/** Warnings as one OperationOutcome (search.mode "outcome"), or undefined when there are none. */
export function warningOutcome(warnings: readonly string[]): OperationOutcome | undefined {
  if (warnings.length === 0) return undefined;
  return operationOutcome(warnings.map((w) => ({ severity: 'warning' as const, code: 'not-supported', diagnostics: w })));
}

/**
 * GET [type]?params and POST [type]/_search (form body merged after the query): parse, ask the
 * repository (which chooses the corpus, scopes and limits), format the searchset Bundle.
 */
export const searchHandler: Handler = async ({ req, params: path, repo }) => {
  const type = path.type;
  const params = [...req.query, ...(req.form ?? [])];
  const page = await repo.search(
    type,
    params.filter(([k]) => !TRANSPORT_PARAMS.has(k)),
    { strict: parsePrefer(req.headers.prefer).strict },
  );
  const outcome = warningOutcome(page.warnings);
  const bundle = searchsetBundle({
    baseUrl: req.baseUrl,
    path: type,
    params,
    matches: page.resources,
    includes: page.includes,
    total: page.total,
    showTotal: page.showTotal,
    offset: page.offset,
    count: page.count,
    ...(outcome !== undefined ? { outcome } : {}),
    ...(page.cursorPaging === true ? { cursorPaging: true } : {}),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
  });
  const response: FhirResponse = {
    status: 200,
    headers: { 'content-type': FHIR_JSON },
    body: bundle,
    ...(page.cohortId !== undefined ? { cohortId: page.cohortId } : {}),
  };
  return response;
};
