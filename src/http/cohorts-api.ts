import type { ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';

import express from 'express';
import type { NextFunction, Request, Response } from 'express';

import type { Cohort, CohortService, ModelLike, ProfileTableFormat, RecordLike } from '../cohort';
import { isCohortId, parseCohortRequest, PROFILE_TABLE_MEDIA_TYPES, profileTableChunks } from '../cohort';
import { ERROR_CATALOGUE, InvalidInputError, isSynthfhirError, NotFoundError, ProtocolError } from '../errors';
import type { Logger } from '../fhir';
import { errorToOutcome } from '../fhir';

import { expressError } from './express-errors';
import { baseUrlOf, drainOrClose, queryPairs, stateOf } from './serve';

/** The REST API's mount path. */
export const COHORTS_PATH = '/cohorts';
/** Default and largest page of GET /cohorts. */
export const DEFAULT_COHORT_PAGE = 20;
export const MAX_COHORT_PAGE = 100;
/** Problem objects (RFC 9457) carry this media type. */
const PROBLEM_JSON = 'application/problem+json';
/** `type` of a problem: the catalogue code under the project's error namespace. */
const PROBLEM_TYPE_BASE = 'https://synthfhir.dev/errors/';

export interface CohortsApiOptions {
  readonly cohorts: CohortService<ModelLike, RecordLike>;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** The public FHIR base URL (config.baseUrl); unset: derived from the request. */
  readonly baseUrl?: string;
}

/** The cohort as the REST API shows it (POST, GET one). */
export interface CohortView {
  readonly id: string;
  readonly group: string;
  readonly fhirBase: string;
  readonly name?: string;
  readonly size: number;
  readonly spec: Cohort['spec'];
  readonly strata: readonly {
    readonly key: string;
    readonly count: number;
    readonly populationShare: number;
    readonly weight: number | null;
    readonly support: number;
    readonly thin: boolean;
  }[];
  readonly warnings: readonly string[];
  readonly profiles: { readonly csv: string; readonly ndjson: string };
}

function viewOf(cohorts: CohortService<ModelLike, RecordLike>, cohort: Cohort, fhirBaseUrl: string, apiBase: string): CohortView {
  return {
    id: cohort.id,
    group: `Group/${cohort.id}`,
    fhirBase: `${fhirBaseUrl}/cohort/${cohort.id}`,
    ...(cohort.spec.name !== undefined ? { name: cohort.spec.name } : {}),
    size: cohort.spec.size,
    spec: cohort.spec,
    strata: cohorts.strataOf(cohort).map((s) => ({
      key: s.key,
      count: s.count,
      populationShare: s.populationShare,
      weight: s.weight,
      support: s.support,
      thin: s.thin,
    })),
    warnings: cohorts.warningsOf(cohort),
    profiles: { csv: `${apiBase}/${cohort.id}/profiles.csv`, ndjson: `${apiBase}/${cohort.id}/profiles.ndjson` },
  };
}

function sendJson(res: Response, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.status(status).set({ ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).send(JSON.stringify(body));
}

/**
 * An error as a problem object: `code` from the catalogue, `detail` the full message (every bad
 * field or stratum), `fields` the inputs at fault, `strata` for INFEASIBLE_STRATA. Unknown errors
 * are a generic 500 with an error id the log repeats with the stack (errorToOutcome).
 */
export function sendProblem(res: ServerResponse, e: unknown, logger: Logger, context: Readonly<Record<string, unknown>>): void {
  if (res.headersSent) {
    // Mid-stream failure: the client sees a truncated body, never a stack trace.
    res.destroy();
    return;
  }
  const { status, outcome, errorId } = errorToOutcome(e, logger, { requestId: stateOf(res).requestId, ...context });
  const known = isSynthfhirError(e) ? e : undefined;
  const code = known?.code ?? 'INTERNAL';
  const strata = known?.params.strata;
  const body = {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: code,
    status,
    code,
    detail: known?.message ?? outcome.issue[0]?.diagnostics ?? ERROR_CATALOGUE.INTERNAL.message,
    ...(known?.expression !== undefined ? { fields: known.expression } : {}),
    ...(strata !== undefined ? { strata } : {}),
    ...(errorId !== undefined ? { errorId } : {}),
  };
  res.statusCode = status;
  res.setHeader('content-type', `${PROBLEM_JSON}; charset=utf-8`);
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/** Parses POST /cohorts' body; one 400 naming every bad field. */
/** A non-negative integer query parameter (offset, count), or its default; 400 naming it. */
function intParam(req: Request, name: string, fallback: number, max: number): number {
  // The app disables express's query parser (app.ts: FHIR parses its own queries).
  const raw = queryPairs(req.originalUrl).find(([k]) => k === name)?.[1];
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new InvalidInputError(`${name} must be a whole number ≥ 0, got ${JSON.stringify(raw)}`, [name]);
  return Math.min(Number(raw), max);
}

export type ChunkSink = EventEmitter & { write(chunk: string): boolean; end(): unknown; readonly destroyed: boolean };

/**
 * Writes chunks with backpressure: waits for 'drain' when the socket buffer is full and yields to
 * the event loop between chunks, so one large table neither fills memory nor starves other
 * requests; stops when the client goes away.
 */
export async function streamChunks(res: ChunkSink, chunks: Iterator<string>): Promise<void> {
  let closed = false;
  const onClose = (): void => {
    closed = true;
  };
  res.once('close', onClose);
  try {
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      if (closed || res.destroyed) return;
      if (!res.write(next.value)) await drainOrClose(res);
      else await nextTurn();
    }
    if (!closed) res.end();
  } finally {
    res.off('close', onClose);
  }
}

/**
 * The REST API for non-FHIR clients: POST /cohorts (JSON spec → 201 with strata and warnings),
 * GET /cohorts (paged), GET /cohorts/<id>, GET /cohorts/<id>/profiles.csv|.ndjson (streamed).
 * Errors are problem objects carrying the catalogue code. See: README "Cohorts"; issue 9 §2.
 */
export function cohortsRouter(options: CohortsApiOptions): express.Router {
  const { cohorts, logger, maxBodyBytes } = options;
  const router = express.Router();
  const fhirBaseOf = (req: Request): string => baseUrlOf(req, options.baseUrl);
  // The API sits beside /fhir: its public base is the FHIR base's origin.
  const apiBaseOf = (req: Request): string => `${fhirBaseOf(req).replace(/\/fhir$/, '')}${COHORTS_PATH}`;
  const resolve = async (id: string): Promise<Cohort> => {
    if (!isCohortId(id)) throw new NotFoundError(`Cohort "${id}" is not registered.`);
    return cohorts.resolve(id);
  };

  router.use((_req: Request, res: Response, next: NextFunction) => {
    stateOf(res).responseType = 'application/json';
    next();
  });
  router.use(express.json({ limit: maxBodyBytes, type: ['application/json', 'application/*+json'] }));

  router.post('/', async (req: Request, res: Response) => {
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new ProtocolError('UNSUPPORTED_MEDIA_TYPE', 'POST /cohorts takes a JSON cohort spec (Content-Type: application/json).');
    }
    // The where and balance are validated against the model's schema by register.
    const cohort = await cohorts.register(parseCohortRequest(req.body, 'Invalid cohort request'));
    stateOf(res).cohortId = cohort.id;
    const view = viewOf(cohorts, cohort, fhirBaseOf(req), apiBaseOf(req));
    sendJson(res, 201, view, { location: `${COHORTS_PATH}/${cohort.id}` });
  });

  router.get('/', async (req: Request, res: Response) => {
    const offset = intParam(req, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const count = intParam(req, 'count', DEFAULT_COHORT_PAGE, MAX_COHORT_PAGE);
    const ids = await cohorts.listIds();
    const page = ids.slice(offset, offset + count);
    const items = await Promise.all(page.map((id) => resolve(id)));
    const apiBase = apiBaseOf(req);
    const link = (o: number): string => `${apiBase}?offset=${o}&count=${count}`;
    sendJson(res, 200, {
      total: ids.length,
      offset,
      count: items.length,
      items: items.map((c) => ({
        id: c.id,
        ...(c.spec.name !== undefined ? { name: c.spec.name } : {}),
        size: c.spec.size,
        balanced: c.spec.balance !== undefined,
        group: `Group/${c.id}`,
        fhirBase: `${fhirBaseOf(req)}/cohort/${c.id}`,
        href: `${apiBase}/${c.id}`,
      })),
      ...(offset + count < ids.length ? { next: link(offset + count) } : {}),
      ...(offset > 0 ? { previous: link(Math.max(0, offset - count)) } : {}),
    });
  });

  router.get('/:id', async (req: Request<{ id: string }>, res: Response) => {
    const cohort = await resolve(req.params.id);
    stateOf(res).cohortId = cohort.id;
    sendJson(res, 200, viewOf(cohorts, cohort, fhirBaseOf(req), apiBaseOf(req)));
  });

  const table = (format: ProfileTableFormat) => async (req: Request<{ id: string }>, res: Response) => {
    const cohort = await resolve(req.params.id);
    stateOf(res).cohortId = cohort.id;
    const model = await cohorts.modelOf(cohort);
    // Strata are computed (and an error raised) before the first byte, so a failure is still a problem object.
    cohorts.strataOf(cohort);
    res.status(200).set({
      'content-type': PROFILE_TABLE_MEDIA_TYPES[format],
      'content-disposition': `inline; filename="${cohort.id}-profiles.${format}"`,
      'cache-control': 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await streamChunks(res, profileTableChunks(cohorts, cohort, model.schema, format));
  };
  router.get('/:id/profiles.csv', table('csv'));
  router.get('/:id/profiles.ndjson', table('ndjson'));

  router.use((req: Request) => {
    throw new NotFoundError(`Nothing at ${req.method} ${req.originalUrl}; see GET ${COHORTS_PATH}.`);
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendProblem(res, expressError(err, maxBodyBytes), logger, { method: req.method, path: req.originalUrl });
  });
  return router;
}
