import type { IncomingMessage, ServerResponse } from 'node:http';

import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';

import type { GraphqlService } from '../graphql';

import { stateOf } from './serve';

/** The path of the project's own GraphQL API. */
export const GRAPHQL_PATH = '/graphql';

/** True when the client prefers HTML (a browser): the IDE page instead of a GraphQL answer. */
function wantsHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(',').map((p) => p.split(';')[0].trim().toLowerCase());
  return types.includes('text/html');
}

/** Path of a request URL, without its query. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Which IDE page a request asks for: a browser's GET /graphql or GET [fhir base]/$graphql, else undefined. */
export function idePageOf(req: IncomingMessage, fhirBase: string): 'own' | 'fhir' | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  if (!wantsHtml(req.headers.accept)) return undefined;
  const path = pathOf(req.url ?? '/');
  if (path === GRAPHQL_PATH) return 'own';
  return path.startsWith(fhirBase + '/') && path.endsWith('/$graphql') ? 'fhir' : undefined;
}

/** Writes the offline IDE page. */
export function serveIdePage(req: IncomingMessage, res: ServerResponse, service: GraphqlService, which: 'own' | 'fhir'): void {
  const html = service.idePage(which);
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // The page runs its own inline script and talks to this origin only.
    'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
    'x-request-id': stateOf(res).requestId,
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

/**
 * Mounts `/graphql` (the own API) through Apollo's express 5 integration, with express's bounded
 * JSON parser in front. Apollo answers its own HTTP errors; GraphQL errors are formatted by graphql/.
 */
export function mountGraphql(app: express.Express, service: GraphqlService, maxBodyBytes: number): void {
  app.use(
    GRAPHQL_PATH,
    (_req: Request, res: Response, next: NextFunction) => {
      stateOf(res).responseType = 'application/json';
      next();
    },
    express.json({ limit: maxBodyBytes }),
    expressMiddleware(service.apollo, { context: ({ res }) => Promise.resolve(service.ownContext(stateOf(res).requestId)) }),
  );
}
