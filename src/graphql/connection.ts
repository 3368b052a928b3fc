import { z } from 'zod';

import { InvalidInputError } from '../errors';
import type { SearchPage, SearchParams } from '../fhir';

import { CURSOR_ARG } from './search-args';

/**
 * Connection paging (`PatientConnection { first previous next last }`): a cursor is the search's
 * parameters with the page's `_offset`, opaque (base64url JSON), given back as `_cursor` in the
 * next call. See: https://hl7.org/fhir/R4/graphql.html#searching
 */

const CURSOR = z.object({ t: z.string(), p: z.array(z.tuple([z.string(), z.string()])).max(1000) });

/** What a connection field resolves to; its fields are computed from it. */
export interface ConnectionValue {
  readonly type: string;
  readonly page: SearchPage;
  readonly params: SearchParams;
}

function encode(type: string, params: SearchParams, offset: number): string {
  const p = params.filter(([k]) => k !== '_offset').map(([k, v]) => [k, v]);
  p.push(['_offset', String(offset)]);
  return Buffer.from(JSON.stringify({ t: type, p }), 'utf8').toString('base64url');
}

/** The search parameters a cursor stands for; INVALID_INPUT naming `_cursor` when it is not one of ours. */
export function decodeCursor(type: string, cursor: string): SearchParams {
  let parsed;
  try {
    parsed = CURSOR.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError(`${CURSOR_ARG} "${cursor.slice(0, 80)}" is not a cursor this server issued.`, [CURSOR_ARG]);
  }
  if (parsed.t !== type) {
    throw new InvalidInputError(`${CURSOR_ARG} is a ${parsed.t} cursor, not a ${type} one.`, [CURSOR_ARG]);
  }
  return parsed.p;
}

/** The four page cursors (undefined where there is no such page). */
export function pageCursors(v: ConnectionValue): { first?: string; previous?: string; next?: string; last?: string } {
  const { page, params, type } = v;
  const size = page.count;
  if (size <= 0) return {};
  const lastOffset = page.total === 0 ? 0 : Math.floor((page.total - 1) / size) * size;
  return {
    first: encode(type, params, 0),
    ...(page.offset > 0 ? { previous: encode(type, params, Math.max(0, page.offset - size)) } : {}),
    ...(page.offset + size < page.total ? { next: encode(type, params, page.offset + size) } : {}),
    last: encode(type, params, lastOffset),
  };
}
