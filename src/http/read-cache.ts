import type { IncomingMessage } from 'node:http';

import { LruCache } from '../cohort';
import type { LruStats } from '../cohort';

import type { ResponseType } from './negotiation';

/**
 * A read's response as it went out: the body bytes and the headers that do not vary by request.
 * Resources are pure functions of their id (docs/ARCHITECTURE.md "A patient is a pure function"), so the
 * same URL always answers the same bytes: the fast path replays them without the router.
 */
export interface CachedRead {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  /** HTTP-date, and its epoch seconds for If-Modified-Since (undefined: no Last-Modified). */
  readonly lastModified: string | undefined;
  readonly lastModifiedSeconds: number | undefined;
  readonly cohortId: string | undefined;
  /**
   * The 200's header block but x-request-id, as node:http's flat [name, value, ...] array, security
   * headers included (built once by `readHead`): the fast path writes it without a setHeader per
   * header (issue 11 §1).
   */
  readonly head: readonly string[];
}

/** The constant headers of a cached read's 200 (everything but x-request-id), flat. */
export function readHead(
  entry: Pick<CachedRead, 'body' | 'contentType' | 'etag' | 'lastModified'>,
  securityHeaders: Readonly<Record<string, string>>,
): string[] {
  const head = ['content-type', entry.contentType, 'content-length', String(entry.body.length), 'etag', entry.etag];
  if (entry.lastModified !== undefined) head.push('last-modified', entry.lastModified);
  for (const [k, v] of Object.entries(securityHeaders)) head.push(k, v);
  return head;
}

/** Bytes an entry costs beyond its body: key, headers, object (a rough constant). */
const ENTRY_OVERHEAD_BYTES = 256;

/** `/fhir/<Type>/<id>` exactly: the reads this cache answers (no query, no history, no operations). */
const READ_PATH_RE = /^\/fhir\/[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/;
/** The longest URL READ_PATH_RE accepts (ASCII only: its bytes). */
export const MAX_CACHEABLE_READ_URL_BYTES = '/fhir/'.length + 64 + 1 + 64;

/** True for a URL whose GET is a plain read the cache may answer. */
export function isCacheableReadUrl(url: string): boolean {
  return READ_PATH_RE.test(url);
}

/**
 * Serialized read responses by (media type, URL), bounded by bytes (config SYNTHFHIR_BODY_CACHE_BYTES).
 * Filled by the router path on a 200 read; answered by the fast path in http-app.ts.
 */
export class ReadCache {
  private readonly lru: LruCache<string, CachedRead>;

  constructor(maxBytes: number) {
    this.lru = new LruCache({ maxEntries: Number.MAX_SAFE_INTEGER, maxBytes });
  }

  get(type: ResponseType, url: string): CachedRead | undefined {
    return this.lru.get(keyOf(type, url));
  }

  set(type: ResponseType, url: string, entry: CachedRead): void {
    this.lru.set(keyOf(type, url), entry, entry.body.length + url.length + ENTRY_OVERHEAD_BYTES);
  }

  stats(): LruStats {
    return this.lru.stats();
  }
}

function keyOf(type: ResponseType, url: string): string {
  return type === 'application/json' ? `j${url}` : url;
}

/** Epoch seconds of an HTTP-date (Last-Modified has a one-second resolution), or undefined. */
export function httpDateSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Whether an entity tag list (If-None-Match) names `etag`, by weak comparison (RFC 9110 §13.1.2). */
function etagListMatches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const raw of list.split(',')) {
    const t = raw.trim();
    if ((t.startsWith('W/') ? t.slice(2) : t) === opaque) return true;
  }
  return false;
}

/**
 * RFC 9110 §13.2.2 for GET/HEAD: If-None-Match decides when present (a match → 304); otherwise
 * If-Modified-Since → 304 when the resource was not modified after that date.
 */
export function isNotModified(req: IncomingMessage, etag: string | undefined, lastModifiedSeconds: number | undefined): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return etag !== undefined && etagListMatches(inm, etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined || lastModifiedSeconds === undefined) return false;
  const since = httpDateSeconds(ims);
  return since !== undefined && lastModifiedSeconds <= since;
}
