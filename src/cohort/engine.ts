import type { Resource } from 'fhir/r4';

import type { GenerateContext } from '../generate';
import type { Rng } from '../random';
import type { Row, Schema, WhereJson } from '../schema';

/**
 * What cohort/ needs from model/, schema/ and generate/, as one seam: the app binds it to the real
 * modules (bind-engine.ts); unit tests bind small stand-ins through this same interface.
 */
export interface ModelLike {
  readonly hash: string;
  readonly schema: Schema;
}

/** A prepared conditional sampler: everything for one `where` precomputed. */
export interface SamplerLike {
  sample(rng: Rng): Row;
}

/** The generation context of one patient. */
export type PatientContext = GenerateContext;

/** A FHIR resource as cohort/ hands it on: the R4 base Resource (@types/fhir `fhir/r4`, the project's one set of R4 types). */
export type ResourceLike = Resource;

/** A generated patient: its profile and its resources (generate/'s PatientRecord). */
export interface RecordLike {
  readonly patientId: string;
  readonly profile: Row;
}

export interface PatientEngine<M extends ModelLike = ModelLike, R extends RecordLike = RecordLike> {
  /** Validates and normalises a where against a model's schema (throws catalogue errors). */
  normaliseWhere(model: M, where: WhereJson): WhereJson;
  /**
   * Precomputes a sampler; throws UnsupportedSubgroupError for an unsupported subgroup. With
   * `record`, the where is one record's values (a twin cohort): each constraint must have support
   * on its own and the whole a positive probability (model/ prepareRecordSampler).
   */
  prepareSampler(model: M, where: WhereJson | undefined, options?: { readonly record?: boolean }): SamplerLike;
  /** P(where) under the model and the effective training records behind it; never throws for rarity. */
  support(model: M, where: WhereJson | undefined): { readonly probability: number; readonly effectiveRecords: number };
  /** Subgroups with a probability below this are refused by prepareSampler. */
  readonly probabilityFloor: number;
  generatePatientRecord(profile: Row, ctx: PatientContext): R;
  /** Every resource of a record: patient, encounters, observations, conditions. */
  allResources(record: R): readonly ResourceLike[];
  /**
   * `synthfhir support` for front ends that may not import model/ (GraphQL): the where validated
   * against the schema, its probability and effective records; UNSUPPORTED_SUBGROUP (naming the
   * culprits when the sampler can) below the model's floor.
   */
  checkedSupport?(model: M, where: WhereJson): { readonly probability: number; readonly effectiveRecords: number };
  /** `synthfhir sample`'s rows (output column order, missing values absent) for the same model, where, n and seed. */
  sampleRows?(model: M, where: WhereJson | undefined, n: number, seed: number): readonly Row[];
}
