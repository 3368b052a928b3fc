import { replaceParams, urlOf } from './links';

/** The browse cursor parameter (see cohort-search.ts). */
const CURSOR = '_cursor';
import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from './types';

/** One page of a search (or of `$everything`), ready to become a searchset Bundle. */
export interface SearchsetPage {
  /** Absolute FHIR base, no trailing slash. */
  readonly baseUrl: string;
  /** The searched path below the base: "Observation", "Patient/x/$everything". */
  readonly path: string;
  /** The request's parameters (query then form), as received. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** The matches on this page, already shaped (_summary/_elements). */
  readonly matches: readonly Resource[];
  /** Resources added by _include/_revinclude for this page. */
  readonly includes: readonly Resource[];
  /** Number of matches in the whole result set. */
  readonly total: number;
  /** Whether Bundle.total is shown (_total=none hides it). */
  readonly showTotal: boolean;
  readonly offset: number;
  readonly count: number;
  /** Warnings (ignored parameters...) as an outcome entry, search.mode "outcome". */
  readonly outcome?: OperationOutcome;
  /** A page of a walk whose total is not known: paged by `_cursor` (no last link). */
  readonly cursorPaging?: boolean;
  /** With cursorPaging: the `_cursor` of the next page, when there is one. */
  readonly nextCursor?: string;
}

/** Absolute URL of a resource, for Bundle.entry.fullUrl. */
export function fullUrlOf(baseUrl: string, r: Resource): string {
  return `${baseUrl}/${r.resourceType}/${r.id ?? ''}`;
}

/**
 * Paging links for a page: self (the request as received), first, previous, next, last. Pages are
 * `_offset`/`_count` windows over a result set that is a pure function of the query and the cohort,
 * so a link resolves to the same page on any replica, after any restart, with no stored cursor.
 */
export function pageLinks(
  page: Pick<SearchsetPage, 'baseUrl' | 'path' | 'params' | 'total' | 'offset' | 'count' | 'nextCursor' | 'cursorPaging'>,
): BundleLink[] {
  const { baseUrl, path, params, total, offset, count } = page;
  const at = (o: number): string =>
    urlOf(baseUrl, path, replaceParams(params, ['_offset', '_count', CURSOR], [['_count', String(count)], ...(o > 0 ? [['_offset', String(o)] as const] : [])]));
  const links: BundleLink[] = [{ relation: 'self', url: urlOf(baseUrl, path, params) }];
  if (count <= 0) return links;
  if (page.cursorPaging === true) {
    // A browse whose total is not known: first, and next by cursor (one page of work on any replica).
    links.push({ relation: 'first', url: at(0) });
    if (page.nextCursor !== undefined) {
      links.push({ relation: 'next', url: urlOf(baseUrl, path, replaceParams(params, ['_offset', '_count', CURSOR], [['_count', String(count)], [CURSOR, page.nextCursor]])) });
    }
    return links;
  }
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / count) * count;
  links.push({ relation: 'first', url: at(0) });
  if (offset > 0) links.push({ relation: 'previous', url: at(Math.max(0, Math.min(offset - count, lastOffset))) });
  if (offset + count < total) links.push({ relation: 'next', url: at(offset + count) });
  links.push({ relation: 'last', url: at(lastOffset) });
  return links;
}

/** A searchset Bundle for one page: matches, then includes, then the outcome entry. */
export function searchsetBundle(page: SearchsetPage): Bundle {
  const entry: BundleEntry[] = [
    ...page.matches.map((r) => ({ fullUrl: fullUrlOf(page.baseUrl, r), resource: r, search: { mode: 'match' as const } })),
    ...page.includes.map((r) => ({ fullUrl: fullUrlOf(page.baseUrl, r), resource: r, search: { mode: 'include' as const } })),
    ...(page.outcome !== undefined ? [{ resource: page.outcome, search: { mode: 'outcome' as const } }] : []),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.showTotal ? { total: page.total } : {}),
    link: pageLinks(page),
    ...(entry.length > 0 ? { entry } : {}),
  };
}

/** The `_history` Bundle of one resource: synthetic resources have exactly one version, "1". */
export function historyBundle(baseUrl: string, path: string, resource: Resource): Bundle {
  const lastModified = resource.meta?.lastUpdated;
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: 1,
    link: [{ relation: 'self', url: urlOf(baseUrl, path) }],
    entry: [
      {
        fullUrl: fullUrlOf(baseUrl, resource),
        resource,
        request: { method: 'POST', url: resource.resourceType },
        response: {
          status: '201 Created',
          etag: 'W/"1"',
          ...(lastModified !== undefined ? { lastModified } : {}),
        },
      },
    ],
  };
}
