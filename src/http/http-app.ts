import type { IncomingMessage, ServerResponse } from 'node:http';

import express from 'express';
import type { NextFunction, Request, Response } from 'express';

import type { CohortService, ModelLike, RecordLike } from '../cohort';
import { ProtocolError, SynthfhirError } from '../errors';
import type { FhirRouter, Logger } from '../fhir';
import type { GraphqlService } from '../graphql';

import { COHORTS_PATH, cohortsRouter } from './cohorts-api';
import { expressError } from './express-errors';
import { idePageOf, mountGraphql, serveIdePage } from './graphql-mount';
import type { MetricsSnapshot } from './metrics';
import { formatMetrics, PROMETHEUS_CONTENT_TYPE } from './metrics';
import { SECURITY_HEADERS } from './harden';
import { negotiate } from './negotiation';
import { MAX_CACHEABLE_READ_URL_BYTES, ReadCache } from './read-cache';
import { FHIR_BASE_PATH, isFhirPath, queryPairs, sendError, sendResource, serveCachedRead, serveFhir, stateOf, trackRequest } from './serve';

export { FHIR_BASE_PATH };

export interface HttpAppOptions {
  readonly router: FhirRouter;
  readonly logger: Logger;
  /** Largest accepted request body (config.maxBodyBytes); larger → 413. */
  readonly maxBodyBytes: number;
  /** Public base URL for links (config.baseUrl); unset: derived from the request. */
  readonly baseUrl?: string;
  /** Readiness: resolves with details, or rejects (→ 503). */
  readonly health: () => Promise<Readonly<Record<string, unknown>>>;
  /** GET /models/:hash/report: the trust report of a served model (HTML, or JSON on Accept). */
  readonly reports?: (hash: string, accept: string | undefined) => { status: number; contentType: string; body: string };
  /** The cohort registry: serves the REST API at /cohorts (cohorts-api.ts) when given. */
  readonly cohorts?: CohortService<ModelLike, RecordLike>;
  /** GraphQL: `/graphql` (Apollo) and the offline IDE page of `/graphql` and `[base]/$graphql`. */
  readonly graphql?: GraphqlService;
  /** Bytes of serialized reads replayed without the router (config bodyCacheBytes; 0 or unset: off). */
  readonly readCacheBytes?: number;
  /** GET /metrics (Prometheus text): the app's caches; the read cache and process memory are added here. */
  readonly metrics?: () => MetricsSnapshot;
  /** Longest request target (path + query) in bytes (config.maxUrlBytes); longer → 414. Default 8192. */
  readonly maxUrlBytes?: number;
  /** CORS allowed origins (config.corsOrigins; '*' for any). Empty or unset: CORS off, no CORS headers. */
  readonly corsOrigins?: readonly string[];
  /** Extra express mounts (e.g. GraphQL), added before the catch-all 404. */
  readonly mount?: (app: express.Express) => void;
}

/** A node:http request listener (give it to http.createServer, or to supertest). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Methods that never carry a body we read: served by the fast path. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** Response headers a browser may read under CORS. */
const CORS_EXPOSED = 'ETag, Location, Content-Location, Last-Modified, X-Request-Id';
/** Request headers a CORS preflight may ask for. */
const CORS_ALLOWED_HEADERS = 'Accept, Content-Type, Authorization, Prefer, X-Request-Id, If-None-Match';

/**
 * CORS, only when configured: the allowed origin echoed (or `*`), never credentials. Answers a
 * preflight itself (true: the response is sent). Off (no origins): not a header is added.
 */
function applyCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  if (origins.length === 0) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const any = origins.includes('*');
  if (!any && !origins.includes(origin)) return false;
  res.setHeader('access-control-allow-origin', any ? '*' : origin);
  if (!any) res.setHeader('vary', 'Origin');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, HEAD, POST',
      'access-control-allow-headers': CORS_ALLOWED_HEADERS,
      'access-control-max-age': '600',
      'content-length': '0',
    });
    res.end();
    return true;
  }
  res.setHeader('access-control-expose-headers', CORS_EXPOSED);
  return false;
}

/**
 * The HTTP front: `/fhir` → the FHIR router, `/healthz`, one log line per request, and an error
 * handler through which no stack trace ever reaches a client. Body-less FHIR requests (reads,
 * searches — the hot path) go straight to the router, because express's own per-request work costs
 * more than the whole read; requests with bodies (POST _search forms, $cohort Parameters, refused
 * writes) go through express for its bounded body parsers, as do /healthz and later mounts (GraphQL).
 * See: docs/ARCHITECTURE.md "Folders"; bench/http.ts for the figures.
 */
export function createHttpApp(options: HttpAppOptions): HttpHandler {
  const { router, logger, maxBodyBytes } = options;
  const readCache = options.readCacheBytes !== undefined && options.readCacheBytes > 0 ? new ReadCache(options.readCacheBytes) : undefined;
  const serveOptions = {
    router,
    logger,
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(readCache !== undefined ? { readCache } : {}),
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    trackRequest(req, res, logger);
    next();
  });

  app.get('/healthz', async (_req: Request, res: Response) => {
    stateOf(res).responseType = 'application/json';
    try {
      const details = await options.health();
      const ok = { resourceType: 'Health', status: 'ok', ...details };
      sendResource(res, 200, {}, ok);
    } catch {
      const unavailable = { resourceType: 'Health', status: 'unavailable' };
      sendResource(res, 503, {}, unavailable);
    }
  });

  app.get('/metrics', (_req: Request, res: Response) => {
    const caches = { ...(options.metrics?.().caches ?? {}), ...(readCache !== undefined ? { reads: readCache.stats() } : {}) };
    const text = formatMetrics({ caches }, process.memoryUsage());
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-request-id': stateOf(res).requestId });
    res.end(text);
  });

  const reports = options.reports;
  if (reports !== undefined) {
    app.get('/models/:hash/report', (req: Request<{ hash: string }>, res: Response) => {
      // Not a FHIR endpoint: its errors (404 unknown hash, 406) are OperationOutcomes as plain JSON.
      stateOf(res).responseType = 'application/json';
      const out = reports(req.params.hash, req.headers.accept);
      res.status(out.status).type(out.contentType).send(out.body);
    });
  }

  const fhir = express.Router();
  fhir.use((req: Request, res: Response, next: NextFunction) => {
    const format = queryPairs(req.originalUrl).find(([k]) => k === '_format')?.[1];
    stateOf(res).responseType = negotiate(req.headers.accept, format);
    const length = Number(req.headers['content-length'] ?? '0');
    if (length > maxBodyBytes) {
      throw new ProtocolError('PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${maxBodyBytes} bytes.`);
    }
    next();
  });
  fhir.use(express.json({ limit: maxBodyBytes, type: ['application/json', 'application/fhir+json'] }));
  fhir.use(express.raw({ limit: maxBodyBytes, type: 'application/x-www-form-urlencoded' }));
  fhir.use(async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const form = Buffer.isBuffer(body) ? [...new URLSearchParams(body.toString('utf8'))] : undefined;
    await serveFhir(req, res, serveOptions, {
      ...(form !== undefined ? { form } : {}),
      ...(form === undefined && body !== undefined ? { body } : {}),
    });
  });
  app.use(FHIR_BASE_PATH, fhir);

  if (options.cohorts !== undefined) {
    app.use(COHORTS_PATH, cohortsRouter({ cohorts: options.cohorts, logger, maxBodyBytes, ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}) }));
  }

  if (options.graphql !== undefined) mountGraphql(app, options.graphql, maxBodyBytes);

  options.mount?.(app);

  app.use((req: Request) => {
    throw new SynthfhirError('NOT_FOUND', { detail: `Nothing at ${req.method} ${req.path}; the FHIR API is at ${FHIR_BASE_PATH}.` });
  });

  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(res, expressError(err, maxBodyBytes), logger, { method: req.method, path: req.originalUrl });
  });

  const graphql = options.graphql;
  const maxUrlBytes = options.maxUrlBytes ?? 8192;
  const corsOrigins = options.corsOrigins ?? [];
  const securityHeaders = Object.entries(SECURITY_HEADERS);
  // The read fast path may run first when nothing else must touch the response: no CORS headers to
  // add, and a URL it accepts is always shorter than the 414 limit (unless configured below it).
  const firstReads = corsOrigins.length === 0 && maxUrlBytes >= MAX_CACHEABLE_READ_URL_BYTES ? readCache : undefined;
  return (req, res) => {
    if (firstReads !== undefined && (req.method === 'GET' || req.method === 'HEAD') && serveCachedRead(req, res, firstReads, logger)) return;
    for (let i = 0; i < securityHeaders.length; i++) res.setHeader(securityHeaders[i][0], securityHeaders[i][1]);
    if (applyCors(req, res, corsOrigins)) return;
    const urlBytes = Buffer.byteLength(req.url ?? '');
    if (urlBytes > maxUrlBytes) {
      const logDone = trackRequest(req, res, logger, false);
      const err = new ProtocolError('URI_TOO_LONG', `The request target is ${urlBytes} bytes; the limit is ${maxUrlBytes} bytes (SYNTHFHIR_MAX_URL_BYTES).`);
      sendError(res, err, logger, { method: req.method, urlBytes });
      logDone();
      return;
    }
    const ide = graphql === undefined ? undefined : idePageOf(req, FHIR_BASE_PATH);
    if (graphql !== undefined && ide !== undefined) {
      trackRequest(req, res, logger);
      serveIdePage(req, res, graphql, ide);
      return;
    }
    if (BODYLESS.has(req.method ?? '') && isFhirPath(req.url)) {
      if (firstReads === undefined && readCache !== undefined && (req.method === 'GET' || req.method === 'HEAD') && serveCachedRead(req, res, readCache, logger)) return;
      const logDone = trackRequest(req, res, logger, false);
      void serveFhir(req, res, serveOptions).then(logDone);
      return;
    }
    app(req, res);
  };
}
