import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import type { BodyStream, FhirRequest, FhirRouter, Logger, Resource } from '../fhir';
import { errorToOutcome, FHIR_JSON } from '../fhir';

import type { ResponseType } from './negotiation';
import { negotiate } from './negotiation';
import type { CachedRead, ReadCache } from './read-cache';
import { httpDateSeconds, isCacheableReadUrl, isNotModified, readHead } from './read-cache';
import { SECURITY_HEADERS } from './harden';
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

function contentTypeOf(type: ResponseType): string {
  return type === 'application/json' ? 'application/json; charset=utf-8' : `${FHIR_JSON}; charset=utf-8`;
}

/** 304 Not Modified: the validators again, no body (RFC 9110 §15.4.5). */
function sendNotModified(res: ServerResponse, requestId: string, etag: string, lastModified: string | undefined): void {
  const headers: Record<string, string> = { etag, 'x-request-id': requestId };
  if (lastModified !== undefined) headers['last-modified'] = lastModified;
  res.writeHead(304, headers);
  res.end();
}

/** Writes a cached read's 200: its precomputed header block plus the request id, then its bytes. */
function sendCachedRead(res: ServerResponse, requestId: string, entry: CachedRead): void {
  const head = entry.head.slice();
  head.push('x-request-id', requestId);
  res.writeHead(200, head);
  res.end(entry.body);
}

/**
 * The read fast path: a GET/HEAD of `/fhir/<Type>/<id>` (no query) whose response is in the read
 * cache is answered from its bytes, without the router (conditional requests included), and logged
 * like any request. Returns false when it did not answer (not a plain read, not cached, or an
 * Accept to refuse: the router path then answers, 406 included). Called before anything else
 * touches the response (http-app.ts): its header block, security headers included, is precomputed,
 * and no per-request state is attached. bench/http.ts measures it against a bare node:http server.
 */
export function serveCachedRead(req: IncomingMessage, res: ServerResponse, cache: ReadCache, logger: Logger): boolean {
  const url = req.url;
  if (url === undefined || !isCacheableReadUrl(url)) return false;
  const accept = req.headers.accept;
  let type: ResponseType = 'application/fhir+json';
  if (accept !== undefined) {
    try {
      type = negotiate(accept, undefined);
    } catch {
      return false;
    }
  }
  const entry = cache.get(type, url);
  if (entry === undefined) return false;
  const started = performance.now();
  const requestId = requestIdOf(req.headers['x-request-id']);
  if (isNotModified(req, entry.etag, entry.lastModifiedSeconds)) {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    sendNotModified(res, requestId, entry.etag, entry.lastModified);
  } else sendCachedRead(res, requestId, entry);
  logger.info(
    {
      method: req.method,
      path: url,
      status: res.statusCode,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      requestId,
      cohortId: entry.cohortId,
    },
    'request',
  );
  return true;
}

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind (backpressure). */
export function drainOrClose(res: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a streamed body (Bulk Data NDJSON) chunk by chunk, waiting for `drain` whenever the
 * socket's buffer is full, so a slow client slows generation instead of growing memory. A client
 * that goes away stops the iteration (its generator's `finally` runs). A failure after the headers
 * went out destroys the connection: a truncated file must not look complete.
 */
export async function sendStream(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  stream: BodyStream,
  options: { readonly headOnly: boolean; readonly logger: Logger; readonly context: Readonly<Record<string, unknown>> },
): Promise<void> {
  const state = stateOf(res);
  res.writeHead(status, { ...headers, 'content-type': stream.contentType, 'x-request-id': state.requestId });
  if (options.headOnly) {
    res.end();
    return;
  }
  try {
    for await (const chunk of stream.chunks) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await drainOrClose(res);
    }
    if (!res.destroyed) res.end();
  } catch (e) {
    options.logger.error({ ...options.context, requestId: state.requestId, err: e }, 'streamed response failed');
    res.destroy();
  }
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
  /** Serialized reads replayed by the fast path (unset: every read goes through the router). */
  readonly readCache?: ReadCache;
  /** Public base URL for links (config.baseUrl); unset: derived from the Host header. */
  readonly baseUrl?: string;
}

/** The FHIR base URL for a request's links. */
export function baseUrlOf(req: IncomingMessage, configured: string | undefined): string {
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  const proto = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}${FHIR_BASE_PATH}`;
}

/** The client a request comes from: the first X-Forwarded-For hop (behind the load balancer), else the peer. */
function clientOf(req: IncomingMessage): { client?: string } {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const client = first !== undefined && first !== '' ? first : req.socket.remoteAddress;
  return client !== undefined ? { client } : {};
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
      ...clientOf(req),
    };
    const out = await options.router.handle(fhirReq);
    if (out.cohortId !== undefined) state.cohortId = out.cohortId;
    if (out.stream !== undefined) {
      await sendStream(res, out.status, out.headers, out.stream, {
        headOnly: req.method === 'HEAD',
        logger: options.logger,
        context: { method: req.method, path: url },
      });
      return;
    }
    // A handler answering plain JSON (`$graphql`) says so; FHIR resources keep the negotiated type.
    if (out.headers['content-type'] === 'application/json') state.responseType = 'application/json';
    const pretty = query.some(([k, v]) => k === '_pretty' && v === 'true');
    const etag = out.headers.etag;
    if (out.status === 200 && etag !== undefined && (fhirReq.method === 'GET' || fhirReq.method === 'HEAD')) {
      // A resource (read, vread): immutable, so conditional requests are answered here.
      const lastModified = out.headers['last-modified'];
      const lastModifiedSeconds = httpDateSeconds(lastModified);
      if (isNotModified(req, etag, lastModifiedSeconds)) {
        sendNotModified(res, state.requestId, etag, lastModified);
        return;
      }
      if (options.readCache !== undefined && query.length === 0 && !pretty && isCacheableReadUrl(url) && out.body.resourceType !== 'Bundle') {
        const parts = { body: Buffer.from(JSON.stringify(out.body)), contentType: contentTypeOf(state.responseType), etag, lastModified };
        const entry: CachedRead = { ...parts, lastModifiedSeconds, cohortId: out.cohortId, head: readHead(parts, SECURITY_HEADERS) };
        options.readCache.set(state.responseType, url, entry);
        sendCachedRead(res, state.requestId, entry);
        return;
      }
    }
    sendResource(res, out.status, out.headers, out.body, pretty);
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
