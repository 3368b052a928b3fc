// TEMPORARY copy of fhir/repository.ts's interface (the lead's per-request repository, landing on
// main); deleted at merge, when graphql/ imports it from '../fhir'.
import type { Resource } from '../fhir';

export type SearchParams = ReadonlyArray<readonly [string, string]>;
export interface SearchPage {
  readonly resourceType: string;
  readonly resources: readonly Resource[];
  readonly includes: readonly Resource[];
  readonly total: number;
  readonly offset: number;
  readonly count: number;
  readonly warnings: readonly string[];
  readonly cohortId?: string;
}
export interface FhirRepository {
  readonly cohortId: string;
  read(type: string, id: string): Promise<Resource>;
  search(type: string, params: SearchParams, options?: { readonly strict?: boolean }): Promise<SearchPage>;
  searchByReference(
    type: string,
    param: string,
    ids: readonly string[],
    params: SearchParams,
  ): Promise<ReadonlyMap<string, SearchPage>>;
}
