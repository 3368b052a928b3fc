import DataLoader from 'dataloader';

import type { FhirRepository, Resource, SearchPage, SearchParams } from '../fhir';

/** One reverse-reference lookup: resources of `type` whose `param` points at `target` ("Patient/x"). */
export interface ReferenceKey {
  readonly type: string;
  readonly param: string;
  readonly params: SearchParams;
  readonly target: string;
}

/**
 * The per-request DataLoaders over one repository: reads by "Type/id" (each resource fetched once
 * per request), and reverse references batched so that N parents with the same
 * `ObservationList(...)` make one repo.searchByReference call, not N searches.
 * See: docs/CONVENTIONS.md "GraphQL: a generated schema, limits as validation rules"; https://github.com/graphql/dataloader
 */
export interface Loaders {
  readonly read: DataLoader<string, Resource>;
  readonly byReference: DataLoader<ReferenceKey, SearchPage, string>;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function emptyPage(type: string): SearchPage {
  return { resourceType: type, resources: [], includes: [], total: 0, showTotal: true, offset: 0, count: 0, warnings: [] };
}

const groupKey = (k: ReferenceKey): string => JSON.stringify([k.type, k.param, k.params]);

/** Fresh loaders for one request (their caches must never outlive it). */
export function createLoaders(repo: FhirRepository): Loaders {
  const read = new DataLoader<string, Resource>(
    async (keys) =>
      Promise.all(
        keys.map(async (key) => {
          const slash = key.indexOf('/');
          try {
            return await repo.read(key.slice(0, slash), key.slice(slash + 1));
          } catch (e) {
            return asError(e);
          }
        }),
      ),
    { maxBatchSize: 1000 },
  );

  const byReference = new DataLoader<ReferenceKey, SearchPage, string>(
    async (keys) => {
      const groups = new Map<string, ReferenceKey[]>();
      for (const k of keys) {
        const g = groupKey(k);
        const list = groups.get(g);
        if (list === undefined) groups.set(g, [k]);
        else list.push(k);
      }
      const results = new Map<string, Promise<ReadonlyMap<string, SearchPage>>>();
      for (const [g, list] of groups) {
        const first = list[0];
        const ids = [...new Set(list.map((k) => k.target))];
        results.set(g, repo.searchByReference(first.type, first.param, ids, first.params, { strict: true }));
      }
      return Promise.all(
        keys.map(async (k) => {
          try {
            const pages = await (results.get(groupKey(k)) as Promise<ReadonlyMap<string, SearchPage>>);
            const page = pages.get(k.target);
            // A target with no match may be left out of the map: an empty page.
            return page ?? emptyPage(k.type);
          } catch (e) {
            return asError(e);
          }
        }),
      );
    },
    { cacheKeyFn: (k) => `${groupKey(k)}|${k.target}`, maxBatchSize: 1000 },
  );
  return { read, byReference };
}
