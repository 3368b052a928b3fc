import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import type { FhirRequest, FhirRouter, Logger, Resource } from '../fhir';
import { errorToOutcome, FHIR_JSON } from '../fhir';

import type { ResponseType } from './negotiation';
import { negotiate } from './negotiation';
import { requestIdOf } from './request-id';

/** The FHIR base path. */
export const FHIR_BASE_PATH = '/fhir';

/** Per-request state shared by the fast path and the express path. */
export interface RequestState {
  readonly requestId: string;
  responseType: ResponseType;
  cohortId?: string;
}

const STATE = Symbol('synthfhir.request');
type WithState = ServerResponse & { [STATE]?: RequestState };

/** The state of a response started by trackRequest. */
export function stateOf(res: ServerResponse): RequestState {
  const s = (res as WithState)[STATE];
  if (s !== undefined) return s;
  const fresh: RequestState = { requestId: requestIdOf(undefined), responseType: 'application/fhir+json' };
  (res as WithState)[STATE] = fresh;
  return fresh;
}

/** The one log line of a request. */
function logRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, state: RequestState, startedMs: number): void {
  logger.info(
    {
      method: req.method,
      path: (req as { originalUrl?: string }).originalUrl ?? req.url,
      status: res.statusCode,
      durationMs: Math.round((performance.now() - startedMs) * 1000) / 1000,
      requestId: state.requestId,
      ...(state.cohortId !== undefined ? { cohortId: state.cohortId } : {}),
    },
    'request',
  );
}

/**
 * Starts a request: a request id (the client's X-Request-Id if sane) and one log line. With
 * `logOnFinish` the line is written when the response finishes (express path); without it the
 * caller gets a function to call once it has ended the response (fast path: no listener per request).
 */
export function trackRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, logOnFinish = true): () => void {
  if ((res as WithState)[STATE] !== undefined) return () => undefined;
  const started = performance.now();
  const state: RequestState = { requestId: requestIdOf(req.headers['x-request-id']), responseType: 'application/fhir+json' };
  (res as WithState)[STATE] = state;
  const done = (): void => logRequest(req, res, logger, state, started);
  if (logOnFinish) {
    res.once('finish', done);
    return () => undefined;
  }
  return done;
}

/**
 * Serialized bodies of immutable resources served as they are (reads of cached resources): the
 * same object always gives the same bytes, so they are computed once. Bundles and outcomes are new
 * objects each time and never hit.
 */
const serialized = new WeakMap<object, string>();

/** Writes a resource as JSON with the negotiated media type. */
export function sendResource(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: Resource,
  pretty = false,
): void {
  const state = stateOf(res);
  let text = pretty ? undefined : serialized.get(body);
  if (text === undefined) {
    text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
    if (!pretty && body.meta?.versionId !== undefined && body.resourceType !== 'Bundle') serialized.set(body, text);
  }
  res.writeHead(status, {
    // An error is about this request only: never cached by a proxy or browser.
    ...(status >= 400 ? { 'cache-control': 'no-store' } : {}),
    ...headers,
    'content-type': `${state.responseType === 'application/json' ? 'application/json' : FHIR_JSON}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'x-request-id': state.requestId,
  });
  res.end(text);
}

/** Writes any thrown value as an OperationOutcome (never a stack trace). */
export function sendError(res: ServerResponse, e: unknown, logger: Logger, context: Readonly<Record<string, unknown>>): void {
  const state = stateOf(res);
  const { status, outcome } = errorToOutcome(e, logger, { requestId: state.requestId, ...context });
  if (res.headersSent) {
    res.end();
    return;
  }
  sendResource(res, status, status === 405 ? { allow: 'GET, HEAD' } : {}, outcome);
}

/** Query pairs of a request URL, in order, repeats kept. */
export function queryPairs(url: string): [string, string][] {
  const q = url.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1))];
}

export interface ServeOptions {
  readonly router: FhirRouter;
  readonly logger: Logger;
  /** Public base URL for links (config.baseUrl); unset: derived from the Host header. */
  readonly baseUrl?: string;
}

/** The FHIR base URL for a request's links. */
function baseUrlOf(req: IncomingMessage, configured: string | undefined): string {
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  const proto = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}${FHIR_BASE_PATH}`;
}

/**
 * Serves one FHIR request through the router: content negotiation, the FhirRequest, the response.
 * `form`/`body` come from express's parsers when the request had a body; the body-less fast path
 * passes neither. Never throws.
 */
export async function serveFhir(
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeOptions,
  parsed: { form?: [string, string][]; body?: unknown } = {},
): Promise<void> {
  const state = stateOf(res);
  // Under an express mount req.url has lost the /fhir prefix; originalUrl keeps it.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  try {
    const query = queryPairs(url);
    state.responseType = negotiate(req.headers.accept, query.find(([k]) => k === '_format')?.[1]);
    const q = url.indexOf('?');
    const fullPath = q < 0 ? url : url.slice(0, q);
    const fhirReq: FhirRequest = {
      method: req.method ?? 'GET',
      path: fullPath.slice(FHIR_BASE_PATH.length),
      query,
      ...(parsed.form !== undefined ? { form: parsed.form } : {}),
      ...(parsed.body !== undefined ? { body: parsed.body } : {}),
      headers: req.headers,
      baseUrl: baseUrlOf(req, options.baseUrl),
      requestId: state.requestId,
    };
    const out = await options.router.handle(fhirReq);
    if (out.cohortId !== undefined) state.cohortId = out.cohortId;
    sendResource(res, out.status, out.headers, out.body, query.some(([k, v]) => k === '_pretty' && v === 'true'));
  } catch (e) {
    sendError(res, e, options.logger, { method: req.method, path: url });
  }
}

/** True for a request under the FHIR base. */
export function isFhirPath(url: string | undefined): boolean {
  if (url === undefined || !url.startsWith(FHIR_BASE_PATH)) return false;
  const c = url.charAt(FHIR_BASE_PATH.length);
  return c === '' || c === '/' || c === '?';
}
