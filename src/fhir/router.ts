import { didYouMean, NotFoundError, ProtocolError, SynthfhirError } from '../errors';

import type { FhirContext, Route, RouteParams } from './context';
import { EXTRA_TYPES, isServedType, SERVED_TYPES } from './context';
import { errorResponse } from './outcome';
import { createRepository } from './repository';
import type { RepositoryScope } from './repository';
import { DEFAULT_ROUTES } from './routes';
import type { FhirRequest, FhirResponse } from './types';

/** The FHIR facade's core: a plain request in, a response (always a resource) out. */
export interface FhirRouter {
  handle(req: FhirRequest): Promise<FhirResponse>;
  /** The route table (the CapabilityStatement is built from it). */
  readonly routes: readonly Route[];
  /** Adds a route (e.g. `$graphql`, registered by the app); it is advertised like the rest. */
  addRoute(route: Route): void;
}

const FHIR_ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function splitPath(path: string): string[] {
  const raw = path.split('?')[0].split('/').filter((s) => s !== '');
  return raw.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new SynthfhirError('INVALID_INPUT', { detail: `Malformed percent-encoding in path segment "${s}".` });
    }
  });
}

function match(route: Route, method: string, segments: readonly string[]): RouteParams | undefined {
  if (route.method !== method || route.pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const p = route.pattern[i];
    const s = segments[i];
    if (p === ':type') {
      if (!isServedType(s) || (route.types !== undefined && !route.types.includes(s))) return undefined;
      params.type = s;
    } else if (p.startsWith(':')) {
      params[p.slice(1)] = s;
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}

/** Rank of a pattern segment: a literal beats `:type`, which beats any other parameter. */
function segmentRank(p: string): number {
  if (!p.startsWith(':')) return 0;
  return p === ':type' ? 1 : 2;
}

/**
 * Orders two routes so that the more specific one comes first: compared segment by segment from
 * the left, a literal beats `:type`, which beats a free parameter; equal patterns keep their
 * insertion order (the sort is stable). Only routes of the same length can match the same path,
 * so `Patient/$export` wins over `[type]/[id]` whichever was added first.
 * See: medplum packages/core/src/urlrouter (the same rule).
 */
export function compareSpecificity(a: Route, b: Route): number {
  const n = Math.min(a.pattern.length, b.pattern.length);
  for (let i = 0; i < n; i++) {
    const d = segmentRank(a.pattern[i]) - segmentRank(b.pattern[i]);
    if (d !== 0) return d;
  }
  return a.pattern.length - b.pattern.length;
}

/** The segment that opens a cohort's own FHIR base: `/fhir/cohort/<id>/...`. */
export const COHORT_BASE_SEGMENT = 'cohort';

/**
 * Splits a cohort base off the path: `cohort/<id>/Patient` → scope `<id>`, rest `Patient`. Every
 * interaction of the server works under it, with links that stay inside it.
 */
function splitScope(segments: readonly string[]): { scope: RepositoryScope; rest: readonly string[] } {
  if (segments[0] === COHORT_BASE_SEGMENT && segments.length >= 2) {
    return { scope: { cohortId: segments[1] }, rest: segments.slice(2) };
  }
  return { scope: {}, rest: segments };
}

/** Why nothing matched: 404 unknown type, 405 read-only, or 404 unknown route. */
function noRoute(method: string, segments: readonly string[], path: string): SynthfhirError {
  const first = segments[0];
  const knownFirst =
    first === undefined || first === 'metadata' || first.startsWith('$') || isServedType(first) || (EXTRA_TYPES as readonly string[]).includes(first);
  if (!knownFirst) {
    return new NotFoundError(
      `Resource type "${first}" is not served here${didYouMean(first, SERVED_TYPES)} (served: ${SERVED_TYPES.join(', ')}).`,
      'UNKNOWN_RESOURCE_TYPE',
    );
  }
  if (WRITE_METHODS.has(method)) {
    return new ProtocolError(
      'METHOD_NOT_ALLOWED',
      `This server is read-only: ${method} ${path === '' ? '/' : path} is not allowed (its patients are synthetic and generated on demand).`,
    );
  }
  return new NotFoundError(`No FHIR interaction at ${method} ${path === '' ? '/' : path}.`);
}

/**
 * Builds the router over a context. The most specific matching route wins, whatever the order the
 * routes were added in; ids are checked against FHIR's id syntax. A `cohort/<id>/` prefix scopes
 * the request's repository (and its links) to that cohort. Errors of every kind become OperationOutcome responses (fhir/outcome.ts). See:
 * docs/CONVENTIONS.md "A FHIR core without a web framework".
 */
export function createFhirRouter(ctx: FhirContext, routes: readonly Route[] = DEFAULT_ROUTES): FhirRouter {
  const table: Route[] = [...routes].sort(compareSpecificity);
  return {
    routes: table,
    addRoute: (route) => {
      table.push(route);
      table.sort(compareSpecificity);
    },
    handle: async (req) => {
      try {
        const method = req.method.toUpperCase() === 'HEAD' ? 'GET' : req.method.toUpperCase();
        const { scope, rest: segments } = splitScope(splitPath(req.path));
        let scoped = req;
        if (scope.cohortId !== undefined) {
          await createRepository(ctx, scope).cohort(scope.cohortId).catch((e: unknown) => {
            throw e instanceof NotFoundError ? new NotFoundError(`No cohort "${scope.cohortId}": /${COHORT_BASE_SEGMENT}/${scope.cohortId} is not a FHIR base here.`) : e;
          });
          scoped = { ...req, path: `/${segments.join('/')}`, baseUrl: `${req.baseUrl}/${COHORT_BASE_SEGMENT}/${scope.cohortId}` };
        }
        for (const route of table) {
          const params = match(route, method, segments);
          if (params === undefined) continue;
          for (const key of ['id', 'vid'] as const) {
            const v = params[key];
            if (v !== undefined && !FHIR_ID_RE.test(v)) {
              throw new NotFoundError(`${params.type ?? 'Resource'}/${v} does not exist (not a valid FHIR id).`);
            }
          }
          return await route.handler({ ctx, req: scoped, params, routes: table, repo: createRepository(ctx, scope) });
        }
        throw noRoute(method, segments, `/${segments.join('/')}`);
      } catch (e) {
        const res = errorResponse(e, ctx.logger, { requestId: req.requestId, method: req.method, path: req.path });
        if (res.status === 405) return { ...res, headers: { ...res.headers, allow: 'GET, HEAD' } };
        return res;
      }
    },
  };
}
