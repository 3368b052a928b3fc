import type { Cohort } from '../cohort';
import { ownerPatientId, parsePatientId } from '../cohort';
import { NotFoundError, SynthfhirError } from '../errors';

import type { FhirContext } from './context';
import { ResourceCorpus } from './resource-corpus';
import { careDateRange } from './dates';
import { groupAnnotationsOf, toGroup } from './operations/group';
import { cohortSearch, pageFromCorpus, type SearchPage, type SearchParams } from './cohort-search';
import { patientScope } from './scope';
import type { SearchRequest } from './search-port';
import type { Resource } from './types';

/** Reverse chaining from a cohort's Group to its members (R4 `_has`), answered by the repository. */
export const GROUP_MEMBER_PARAM = '_has:Group:member:_id';

export type { SearchPage, SearchParams } from './cohort-search';

/** The care-date window, update floor and types of `$everything`. */
export interface PatientWindow {
  /** Care dates overlap [lo, hi) in epoch ms (unbounded when absent). */
  readonly lo?: number;
  readonly hi?: number;
  /** meta.lastUpdated ≥ since (epoch ms). */
  readonly since?: number;
  readonly types?: ReadonlySet<string>;
}

/** A half-open range of patient indexes of a cohort: [start, end). */
export interface IndexRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The one way to get resources, whatever the front end: REST handlers, `$everything`, `$export`
 * and GraphQL call it, never the cohort service or the corpora directly. It owns corpus choice
 * (a whole cohort, or only the patients a search pins), cohort scoping and the cost limits.
 * Built per request for one scope (the cohort a request addresses).
 * See: medplum packages/fhir-router/src/repo.ts (FhirRepository), the idea in this project's terms.
 */
export interface FhirRepository {
  /** The cohort this repository is scoped to: unscoped searches run over it. */
  readonly cohortId: string;
  /** Whether the scope was addressed explicitly (`/fhir/cohort/<id>/...`): then only its patients exist. */
  readonly explicit: boolean;
  /** A resource by type and id; NOT_FOUND when absent or outside an explicit scope. */
  read(type: string, id: string): Promise<Resource>;
  /** The cohort behind a resource id (for logs and headers), when the id names one. */
  cohortOf(id: string): string | undefined;
  /** A search with REST semantics: the same engine, parameters, errors and cost limits. */
  search(type: string, params: SearchParams, options?: { readonly strict?: boolean }): Promise<SearchPage>;
  /**
   * For each id (`Patient/x`), the search `type?param=id&params…` (sort and paging per id), over
   * one corpus of every patient involved: what a GraphQL DataLoader batches.
   */
  searchByReference(
    type: string,
    param: string,
    ids: readonly string[],
    params: SearchParams,
    options?: { readonly strict?: boolean },
  ): Promise<ReadonlyMap<string, SearchPage>>;
  /** A patient and every resource of theirs inside a window, Patient first (`$everything`). */
  patientResources(patientId: string, window?: PatientWindow): Promise<readonly Resource[]>;
  /** A registered cohort (NOT_FOUND otherwise). */
  cohort(cohortId: string): Promise<Cohort>;
  /**
   * The resources of patients [range.start, range.end) of a cohort, in index order then record
   * order, restricted to `types` when given: what a `$export` partition streams. Lazy: one patient
   * is generated at a time.
   */
  cohortPartition(cohort: Cohort, range: IndexRange, types?: ReadonlySet<string>): Iterable<Resource>;
}

/** The scope of a request: the cohort it addresses, if it addressed one. */
export interface RepositoryScope {
  readonly cohortId?: string;
}

/** Whether a resource falls inside an `$everything` window. The Patient itself always does. */
function inWindow(r: Resource, w: PatientWindow): boolean {
  if (w.types !== undefined && !w.types.has(r.resourceType)) return false;
  if (r.resourceType === 'Patient') return true;
  if (w.since !== undefined) {
    const updated = r.meta?.lastUpdated === undefined ? NaN : Date.parse(r.meta.lastUpdated);
    if (!(updated >= w.since)) return false;
  }
  const care = careDateRange(r);
  return care === undefined || (care.lo < (w.hi ?? Infinity) && care.hi > (w.lo ?? -Infinity));
}

/** Builds the repository of one request scope. Cheap: an object over the shared context. */
export function createRepository(ctx: FhirContext, scope: RepositoryScope = {}): FhirRepository {
  const cohortId = scope.cohortId ?? ctx.defaultCohortId;
  const explicit = scope.cohortId !== undefined;

  /** In an explicit scope, only that cohort's patients exist. */
  const inScope = (patientId: string): boolean => !explicit || parsePatientId(patientId)?.cohortId === cohortId;

  const notFound = (type: string, id: string): NotFoundError => new NotFoundError(`${type}/${id} does not exist.`);

  const recordCorpusOf = async (type: string, id: string): Promise<ResourceCorpus> => {
    const owner = ownerPatientId(id);
    if (owner === undefined || !inScope(owner)) throw notFound(type, id);
    let found;
    try {
      found = ctx.cohorts.recordIfResolved(owner) ?? (await ctx.cohorts.recordOf(owner));
    } catch (e) {
      if (e instanceof NotFoundError) throw notFound(type, id);
      throw e;
    }
    return ctx.corpora.recordCorpus(found.record);
  };

  const runSearch = (corpus: ResourceCorpus, req: SearchRequest, pageCohortId: string | undefined): SearchPage =>
    pageFromCorpus(ctx, corpus, req, pageCohortId);

  const resolveCohort = async (id: string): Promise<Cohort> => {
    try {
      return await ctx.cohorts.resolve(id);
    } catch (e) {
      if (e instanceof NotFoundError) throw new NotFoundError(`Group/${id} does not exist.`);
      throw e;
    }
  };

  return {
    cohortId,
    explicit,
    read: async (type, id) => {
      if (type === 'Group') {
        if (explicit && id !== cohortId) throw notFound(type, id);
        const cohort = await resolveCohort(id);
        return toGroup(cohort, groupAnnotationsOf(ctx.cohorts, cohort));
      }
      const resource = (await recordCorpusOf(type, id)).get(type, id);
      if (resource === undefined) throw notFound(type, id);
      return resource;
    },
    cohortOf: (id) => {
      const owner = ownerPatientId(id);
      return owner === undefined ? undefined : parsePatientId(owner)?.cohortId;
    },
    search: async (type, params, options = {}) => {
      // `Patient?_has:Group:member:_id=<cohort>`: the members of a cohort's Group are its patients,
      // so the search runs over that cohort (as under /fhir/cohort/<id>/) without the parameter.
      const member = params.filter(([k]) => k === GROUP_MEMBER_PARAM);
      if (type === 'Patient' && member.length > 0) {
        const groups = new Set(member.flatMap(([, v]) => v.split(',')));
        if (groups.size !== 1) {
          throw new SynthfhirError('INVALID_SEARCH_PARAMETER', { detail: `${GROUP_MEMBER_PARAM} takes one cohort id here, got ${[...groups].join(', ')}.` }, [GROUP_MEMBER_PARAM]);
        }
        const groupId = [...groups][0];
        const rest = params.filter(([k]) => k !== GROUP_MEMBER_PARAM);
        const req: SearchRequest = { resourceType: type, params: rest, strict: options.strict === true };
        if (explicit && groupId !== cohortId) return runSearch(new ResourceCorpus(), req, cohortId);
        let cohort: Cohort;
        try {
          cohort = await resolveCohort(groupId);
        } catch (e) {
          if (e instanceof NotFoundError) return runSearch(new ResourceCorpus(), req, undefined); // no such Group: no members
          throw e;
        }
        const pinned = patientScope(type, rest);
        if (pinned === undefined) return cohortSearch(ctx, cohort, type, rest, options.strict === true);
        const corpus = await ctx.corpora.patientsCorpus(pinned.filter((id) => parsePatientId(id)?.cohortId === cohort.id));
        return runSearch(corpus, req, cohort.id);
      }
      const req: SearchRequest = { resourceType: type, params, strict: options.strict === true };
      const pinned = patientScope(type, params);
      if (pinned !== undefined) {
        // Only the pinned patients (in scope) can hold a match: regenerate them, not the cohort.
        const ids = pinned.filter(inScope);
        const first = ids.length > 0 ? parsePatientId(ids[0])?.cohortId : undefined;
        return runSearch(await ctx.corpora.patientsCorpus(ids), req, first ?? (explicit ? cohortId : undefined));
      }
      return cohortSearch(ctx, await ctx.cohorts.resolve(cohortId), type, params, options.strict === true);
    },
    searchByReference: async (type, param, ids, params, options = {}) => {
      // A reference to a synthetic resource is held only by resources of the same patient, so each
      // id is searched in its owner's record corpus (cached with the record, search indexes
      // included): a batch of N costs N small indexed searches, not a fresh N-patient corpus.
      const out = new Map<string, SearchPage>();
      for (const ref of new Set(ids)) {
        const owner = ownerPatientId(ref.replace(/^.*\//, ''));
        const corpus = await ctx.corpora.patientsCorpus(owner !== undefined && inScope(owner) ? [owner] : []);
        const req: SearchRequest = { resourceType: type, params: [[param, ref], ...params], strict: options.strict === true };
        out.set(ref, runSearch(corpus, req, parsePatientId(ref.replace(/^.*\//, ''))?.cohortId));
      }
      return out;
    },
    patientResources: async (patientId, window = {}) => {
      if (!inScope(patientId)) throw notFound('Patient', patientId);
      let found;
      try {
        found = await ctx.cohorts.recordOf(patientId);
      } catch (e) {
        if (e instanceof NotFoundError) throw notFound('Patient', patientId);
        throw e;
      }
      return ctx.corpora.recordCorpus(found.record).ofPatient(patientId).filter((r) => inWindow(r, window));
    },
    cohort: resolveCohort,
    cohortPartition: (cohort, range, types) => ({
      *[Symbol.iterator](): Iterator<Resource> {
        const end = Math.min(range.end, cohort.spec.size);
        for (let i = Math.max(0, range.start); i < end; i++) {
          // Regenerated without the record LRU (a whole cohort would only churn it), and straight
          // from the record: no per-patient search corpus.
          const record = ctx.cohorts.generateAt(cohort, i);
          for (const r of ctx.cohorts.resourcesOf(record)) {
            if (types === undefined || types.has(r.resourceType)) yield r;
          }
        }
      },
    }),
  };
}

