import { NotFoundError } from '../errors';

import { historyBundle } from './bundle';
import type { Handler } from './context';
import { FHIR_JSON } from './outcome';
import { parsePrefer } from './prefer';
import type { FhirResponse, Resource } from './types';

/** Every synthetic resource has exactly one version. */
export const VERSION_ID = '1';

/** Headers of immutable served resources, computed once per object (reads are the hot path). */
const headerCache = new WeakMap<Resource, Readonly<Record<string, string>>>();

/** Response headers of a served resource: ETag, Last-Modified. */
export function resourceHeaders(resource: Resource): Readonly<Record<string, string>> {
  const hit = headerCache.get(resource);
  if (hit !== undefined) return hit;
  const headers: Record<string, string> = { 'content-type': FHIR_JSON, etag: `W/"${resource.meta?.versionId ?? VERSION_ID}"` };
  const lastUpdated = resource.meta?.lastUpdated;
  if (lastUpdated !== undefined) {
    const ms = Date.parse(lastUpdated);
    if (Number.isFinite(ms)) headers['last-modified'] = new Date(ms).toUTCString();
  }
  headerCache.set(resource, headers);
  return headers;
}

function ok(resource: Resource, cohortId: string, extra: Record<string, string> = {}): FhirResponse {
  const headers = Object.keys(extra).length === 0 ? resourceHeaders(resource) : { ...resourceHeaders(resource), ...extra };
  return { status: 200, headers, body: resource, cohortId };
}

/** GET [type]/[id] */
export const readHandler: Handler = async ({ ctx, req, params, repo }) => {
  const resource = await repo.read(params.type, params.id);
  const cohortId = repo.cohortOf(params.id) ?? repo.cohortId;
  if (req.query.length === 0) return ok(resource, cohortId);
  const shape = ctx.search.parseShape(params.type, req.query, parsePrefer(req.headers.prefer).strict);
  const body = shape.summary !== undefined || shape.elements !== undefined ? ctx.search.shape(resource, shape) : resource;
  return ok(body, cohortId);
};

/** GET [type]/[id]/_history/[vid]: version 1 exists; any other is 404. */
export const vreadHandler: Handler = async ({ params, repo }) => {
  const resource = await repo.read(params.type, params.id);
  const cohortId = repo.cohortOf(params.id) ?? repo.cohortId;
  if (params.vid !== (resource.meta?.versionId ?? VERSION_ID)) {
    throw new NotFoundError(
      `${params.type}/${params.id} has no version "${params.vid}": synthetic resources have one version, "${VERSION_ID}".`,
    );
  }
  return ok(resource, cohortId, { 'content-location': `${params.type}/${params.id}/_history/${params.vid}` });
};

/** GET [type]/[id]/_history: a history Bundle with the one version. */
export const historyHandler: Handler = async ({ req, params, repo }) => {
  const resource = await repo.read(params.type, params.id);
  const cohortId = repo.cohortOf(params.id) ?? repo.cohortId;
  return {
    status: 200,
    headers: { 'content-type': FHIR_JSON },
    body: historyBundle(req.baseUrl, `${params.type}/${params.id}/_history`, resource),
    cohortId,
  };
};
