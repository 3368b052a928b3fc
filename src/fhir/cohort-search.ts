import type { Cohort } from '../cohort';
import { LruCache } from '../cohort';
import { InvalidInputError, SynthfhirError } from '../errors';
import { invariant } from '../util';

import type { FhirContext } from './context';
import type { ResourceCorpus } from './resource-corpus';
import type { CompactIndex, IndexPlan, ParsedSearch, SearchRequest } from './search-port';
import type { Resource } from './types';

/** FHIR search query pairs, in order, repeats kept (repeat = AND). */
export type SearchParams = ReadonlyArray<readonly [string, string]>;

/** One page of a search, as every front end (REST, `$graphql`, `/graphql`) receives it. */
export interface SearchPage {
  readonly resourceType: string;
  /** The page's matches, already shaped by `_summary` / `_elements`. */
  readonly resources: readonly Resource[];
  /** What `_include` / `_revinclude` add to the page (shaped like the matches). */
  readonly includes: readonly Resource[];
  /**
   * Number of matches in the whole result set. When it is not known (a browse of a type other
   * than Patient over a cohort whose index is not built), a lower bound, `showTotal` is false and
   * `nextCursor` pages on.
   */
  readonly total: number;
  /** Whether `total` is to be shown (`_total=none` hides it; so does an unknown total). */
  readonly showTotal: boolean;
  /** `_offset` used. */
  readonly offset: number;
  /** Page size used (`_count`, or the default, clamped to the maximum; 0 for `_summary=count`). */
  readonly count: number;
  /** Lenient-mode warnings: ignored parameters, clamped values. */
  readonly warnings: readonly string[];
  /** The cohort the search ran over, for the access log. */
  readonly cohortId?: string;
  /** Whether the page is paged by `_cursor` (a walk whose total is not known) rather than `_offset`. */
  readonly cursorPaging?: boolean;
  /** The `_cursor` of the next page of a walk (stateless: any replica serves it). */
  readonly nextCursor?: string;
}

/** The opaque, stateless position of a page in a browse: `_cursor` (offset, patient index, resources of the type skipped in it). */
export const CURSOR_PARAM = '_cursor';
/**
 * Most patients one request may regenerate to reach an `_offset` (or fill a page) while browsing a
 * type other than Patient without an index: about 0.6 s of one core. Next links carry a cursor, so
 * following them costs one page each.
 */
export const MAX_WALK_PATIENTS = 1_000;
/**
 * Most patients the engine may regenerate to finish a search on criteria the compact index does not
 * hold (composites, chains, `_has`, parameters without a column): about 1.2 s of one core.
 */
export const MAX_SLOW_PATH_PATIENTS = 2_000;
/**
 * Bytes of complete match lists kept per cohort index, so the next pages of a search (and the same
 * search again) skip the columns: 4 bytes per match, e.g. 16 MiB ≈ 4 M matches.
 */
const MATCH_CACHE_BYTES = 16 * 2 ** 20;
/** Result parameters that do not change which resources match, nor their order. */
const PAGE_PARAMS: ReadonlySet<string> = new Set(['_count', '_offset', '_summary', '_elements', '_total', '_format', '_pretty', CURSOR_PARAM]);
/** Retry-After bounds (seconds) while an index is being built. */
const RETRY_AFTER_MIN_SECONDS = 1;
const RETRY_AFTER_MAX_SECONDS = 600;

interface Cursor {
  readonly offset: number;
  readonly patient: number;
  readonly skip: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.offset}.${c.patient}.${c.skip}`).toString('base64url');
}

function decodeCursor(raw: string, size: number): Cursor {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? Buffer.from(raw, 'base64url').toString('latin1') : '';
  const m = /^(\d{1,10})\.(\d{1,10})\.(\d{1,6})$/.exec(text);
  if (m === null || Number(m[2]) > size) {
    throw new InvalidInputError(`"${CURSOR_PARAM}" is not a cursor this server made ("${raw}"); follow the Bundle's links.`, [CURSOR_PARAM], 'INVALID_SEARCH_PARAMETER');
  }
  return { offset: Number(m[1]), patient: Number(m[2]), skip: Number(m[3]) };
}

const searchOptions = (ctx: FhirContext): { defaultCount: number; maxCount: number; now: string } => ({
  defaultCount: ctx.defaultCount,
  maxCount: ctx.maxCount,
  now: ctx.asOf,
});

/** A page from a corpus holding every resource that may match (pinned patients, or the slow path). */
export function pageFromCorpus(ctx: FhirContext, corpus: ResourceCorpus, req: SearchRequest, pageCohortId: string | undefined): SearchPage {
  const result = ctx.search.executeSearch(corpus, req, searchOptions(ctx));
  const offset = result.offsetRequested;
  const count = result.summary === 'count' ? 0 : result.count;
  const page = result.matches.slice(offset, offset + count);
  const includes = page.length > 0 && result.includes.length > 0 ? ctx.search.resolveIncludes(corpus, page, req) : [];
  const shaped = (rs: readonly Resource[]): readonly Resource[] => shapedAll(ctx, result, rs);
  return {
    resourceType: req.resourceType,
    resources: shaped(page),
    includes: shaped(includes),
    total: result.total,
    showTotal: result.totalMode !== 'none',
    offset,
    count,
    warnings: result.warnings,
    ...(pageCohortId !== undefined ? { cohortId: pageCohortId } : {}),
  };
}

/** Resources as `_summary` / `_elements` ask (the same objects when neither is given). */
function shapedAll(
  ctx: FhirContext,
  how: Parameters<FhirContext['search']['shape']>[1],
  rs: readonly Resource[],
): readonly Resource[] {
  return how.summary === undefined && how.elements === undefined ? rs : rs.map((r) => ctx.search.shape(r, how));
}

/** The resources of one patient of a cohort, of one type, in record order (from the record LRU). */
function ofType(ctx: FhirContext, cohort: Cohort, patient: number, type: string): readonly Resource[] {
  return ctx.cohorts.resourcesOf(ctx.cohorts.recordAt(cohort, patient)).filter((r) => r.resourceType === type);
}

/** A page of matches (in order) with includes resolved over the page's patients, shaped. */
function finishPage(
  ctx: FhirContext,
  cohort: Cohort,
  req: SearchRequest,
  parsed: ParsedSearch,
  matches: readonly Resource[],
  patients: readonly number[],
  fields: Pick<SearchPage, 'total' | 'showTotal' | 'offset' | 'nextCursor' | 'cursorPaging'>,
): SearchPage {
  // References stay within a patient, so the page's patients hold everything it includes.
  const includes =
    matches.length > 0 && parsed.includes.length > 0
      ? ctx.search.resolveIncludes(ctx.corpora.indexedPatientsCorpus(cohort, patients), matches, req)
      : [];
  const shaped = (rs: readonly Resource[]): readonly Resource[] => shapedAll(ctx, parsed, rs);
  return {
    resourceType: req.resourceType,
    resources: shaped(matches),
    includes: shaped(includes),
    count: parsed.summary === 'count' ? 0 : parsed.count,
    warnings: parsed.warnings,
    cohortId: cohort.id,
    ...fields,
    showTotal: fields.showTotal && parsed.totalMode !== 'none',
  };
}

/** Patient?… without criteria: arithmetic over indexes (total = N; page = patients offset…offset+count). */
function browsePatients(ctx: FhirContext, cohort: Cohort, req: SearchRequest, parsed: ParsedSearch, offset: number): SearchPage {
  const size = cohort.spec.size;
  const count = parsed.summary === 'count' ? 0 : parsed.count;
  const end = Math.min(size, offset + count);
  const indexes = Array.from({ length: Math.max(0, end - offset) }, (_, i) => offset + i);
  const matches = indexes.map((i) => ofType(ctx, cohort, i, 'Patient')[0]);
  return finishPage(ctx, cohort, req, parsed, matches, indexes, { total: size, showTotal: true, offset });
}

/**
 * Any other type without criteria and without an index: walk patients in index order from the
 * page's start (a cursor, or an `_offset` reached by counting, bounded), collecting resources of
 * the type in record order — the order of the whole cohort's corpus. The total is not known.
 */
function browseWalk(ctx: FhirContext, cohort: Cohort, req: SearchRequest, parsed: ParsedSearch, offset: number, cursor: Cursor | undefined): SearchPage {
  const type = req.resourceType;
  const size = cohort.spec.size;
  let patient = cursor?.patient ?? 0;
  let skip = cursor?.skip ?? 0;
  let walked = 0;
  const tooFar = (): InvalidInputError =>
    new InvalidInputError(
      `_offset=${offset} on ${type} would regenerate more than ${MAX_WALK_PATIENTS} patients of cohort ${cohort.id} (${size} patients, no search index here): follow the Bundle's next links (${CURSOR_PARAM}), which cost one page each.`,
      ['_offset'],
      'TOO_COSTLY',
    );
  // Reach the offset by counting when the request gave an offset, not a cursor.
  let toSkip = cursor === undefined ? offset : 0;
  while (toSkip > 0 && patient < size) {
    if (walked++ >= MAX_WALK_PATIENTS) throw tooFar();
    const n = ofType(ctx, cohort, patient, type).length;
    if (n > toSkip) {
      skip = toSkip;
      toSkip = 0;
    } else {
      toSkip -= n;
      patient++;
    }
  }
  const want = parsed.summary === 'count' ? 0 : parsed.count;
  const matches: Resource[] = [];
  const patients: number[] = [];
  walked = 0;
  while (matches.length < want && patient < size && walked < MAX_WALK_PATIENTS) {
    walked++;
    const rs = ofType(ctx, cohort, patient, type);
    const take = rs.slice(skip, skip + (want - matches.length));
    if (take.length > 0) patients.push(patient);
    matches.push(...take);
    if (skip + take.length < rs.length) {
      skip += take.length;
      break;
    }
    patient++;
    skip = 0;
  }
  const more = patient < size && want > 0;
  return finishPage(ctx, cohort, req, parsed, matches, patients, {
    total: offset + matches.length + (more ? 1 : 0),
    showTotal: false,
    offset,
    cursorPaging: true,
    ...(more ? { nextCursor: encodeCursor({ offset: offset + matches.length, patient, skip }) } : {}),
  });
}

const matchCaches = new WeakMap<CompactIndex, LruCache<string, IndexPlan>>();

/**
 * A plan from the per-index match cache, else computed (and kept when it lists every match in
 * order). The key is the type and every parameter that decides matches or order, as given.
 */
function cachedPlan(index: CompactIndex, req: SearchRequest, compute: () => IndexPlan): IndexPlan {
  const key = JSON.stringify([
    req.resourceType,
    req.params.filter(([k]) => !PAGE_PARAMS.has(k) && !k.startsWith('_include') && !k.startsWith('_revinclude')),
  ]);
  let cache = matchCaches.get(index);
  if (cache === undefined) matchCaches.set(index, (cache = new LruCache<string, IndexPlan>({ maxEntries: 256, maxBytes: MATCH_CACHE_BYTES })));
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const plan = compute();
  if (plan.kind === 'exact' && plan.ordinals.length === plan.total) cache.set(key, plan, 4 * plan.total + 256);
  return plan;
}

/** The cohort's index: built, awaited (small cohorts), or 503 + Retry-After while a large one builds. */
async function indexOf(ctx: FhirContext, cohort: Cohort): Promise<CompactIndex> {
  const state = ctx.corpora.indexState(cohort);
  if (state.state === 'ready') return state.index;
  if (cohort.spec.size <= ctx.corpora.waitPatients) return state.promise;
  const elapsedS = (performance.now() - state.startedMs) / 1000;
  const remainingS = state.done > 0 ? (elapsedS / state.done) * (state.total - state.done) : RETRY_AFTER_MAX_SECONDS / 10;
  const retryAfterSeconds = Math.round(Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, remainingS)));
  throw new SynthfhirError('SERVICE_UNAVAILABLE', {
    detail: `The search index of cohort ${cohort.id} is being built (${state.done} of ${state.total} patients); retry in about ${retryAfterSeconds} s. Paging without criteria works meanwhile.`,
    retryAfterSeconds,
  });
}

/**
 * A search over a whole cohort (not pinned to patients). Browsing (no criteria, no `_sort`) needs
 * nothing built: Patient by arithmetic, other types by walking patients (or by the index once it is
 * there, which also knows totals). Anything else runs over the cohort's compact index: exact from
 * its columns, or — for criteria it does not hold — finished by the engine over the patients the
 * indexed criteria leave, up to MAX_SLOW_PATH_PATIENTS.
 */
export async function cohortSearch(ctx: FhirContext, cohort: Cohort, type: string, params: SearchParams, strict: boolean): Promise<SearchPage> {
  const cursors = params.filter(([k]) => k === CURSOR_PARAM);
  if (cursors.length > 1) throw new InvalidInputError(`"${CURSOR_PARAM}" may be given only once.`, [CURSOR_PARAM], 'INVALID_SEARCH_PARAMETER');
  const cursor = cursors.length === 1 ? decodeCursor(cursors[0][1], cohort.spec.size) : undefined;
  const req: SearchRequest = { resourceType: type, params: params.filter(([k]) => k !== CURSOR_PARAM), strict };
  const parsed = ctx.search.parseSearch(req, searchOptions(ctx));
  const offset = cursor?.offset ?? parsed.offset;
  const browse = parsed.criteria.length === 0 && parsed.sort.length === 0;
  const wantsTotal = parsed.summary === 'count' || params.some(([k, v]) => k === '_total' && v === 'accurate');
  const ready = ctx.corpora.readyIndex(cohort);
  if (browse && type === 'Patient') return browsePatients(ctx, cohort, req, parsed, offset);
  // Small cohorts are indexed while the search waits (totals known); larger ones are walked until
  // their index is ready — unless the request asks for the total, which only the index knows.
  const indexable = cohort.spec.size <= ctx.corpora.maxUnscopedPatients;
  const cheap = indexable && cohort.spec.size <= ctx.corpora.waitPatients;
  if (browse && ready === undefined && !cheap && !(wantsTotal && indexable)) {
    if (wantsTotal) ctx.corpora.checkUnscoped(cohort, `the total of ${type} (_total=accurate, _summary=count)`);
    return browseWalk(ctx, cohort, req, parsed, offset, cursor);
  }
  const index = ready ?? (await indexOf(ctx, cohort));
  const ti = index.types.get(type);
  const materialize = (ordinals: ArrayLike<number>): { matches: Resource[]; patients: number[] } => {
    const matches: Resource[] = [];
    const patients: number[] = [];
    if (ti === undefined) return { matches, patients };
    for (let j = 0; j < ordinals.length; j++) {
      const k = ordinals[j];
      const p = ti.patientOf[k];
      const r = ctx.cohorts.resourcesOf(ctx.cohorts.recordAt(cohort, p))[ti.posOf[k]];
      invariant(r !== undefined && r.resourceType === type, `index locator ${type}#${k} names no ${type}`);
      matches.push(r);
      if (patients[patients.length - 1] !== p) patients.push(p);
    }
    return { matches, patients };
  };
  const count = parsed.summary === 'count' ? 0 : parsed.count;
  if (browse) {
    const total = ti?.count ?? 0;
    const end = Math.min(total, offset + count);
    const { matches, patients } = materialize(Array.from({ length: Math.max(0, end - offset) }, (_, i) => offset + i));
    return finishPage(ctx, cohort, req, parsed, matches, patients, { total, showTotal: true, offset });
  }
  const plan = cachedPlan(index, req, () => ctx.search.planIndexed(index, req, searchOptions(ctx), offset + count));
  if (plan.kind === 'exact') {
    const total = plan.total;
    const page = Array.prototype.slice.call(plan.ordinals, offset, offset + count) as number[];
    const { matches, patients } = materialize(page);
    return finishPage(ctx, cohort, req, parsed, matches, patients, { total, showTotal: true, offset });
  }
  if (plan.patients.length > MAX_SLOW_PATH_PATIENTS) {
    throw new InvalidInputError(
      `${plan.unindexed.join(', ')} ${plan.unindexed.length === 1 ? 'is' : 'are'} not in the search index; with the other criteria this search would regenerate ${plan.patients.length} patients (limit ${MAX_SLOW_PATH_PATIENTS}). Add indexed criteria (e.g. code=, date=) or scope it to patients (subject=, patient=, _id=).`,
      plan.unindexed.map((k) => k.replace(/^_sort=.*/, '_sort')),
      'TOO_COSTLY',
    );
  }
  const paged: SearchRequest = cursor === undefined ? req : { ...req, params: [...req.params.filter(([k]) => k !== '_offset'), ['_offset', String(offset)]] };
  return pageFromCorpus(ctx, ctx.corpora.indexedPatientsCorpus(cohort, plan.patients), paged, cohort.id);
}
