export type { CohortSpec } from './spec';
export {
  parseCohortSpec,
  cohortIdOf,
  cohortIdentity,
  isCohortId,
  COHORT_SPEC_VERSION,
  COHORT_ID_LENGTH,
  MAX_COHORT_SIZE,
  MAX_LOOKBACK_YEARS,
} from './spec';
export type {
  ModelLike,
  SamplerLike,
  PatientContext,
  ResourceLike,
  RecordLike,
  PatientEngine,
} from './engine';
export { CohortService, cohortKey, estimateRecordBytes } from './cohorts';
export type { Cohort, CohortRequest, CohortServiceOptions } from './cohorts';
export { ModelRegistry, loadModelFile, defaultModelPath, DEFAULT_MODEL_FILE } from './model-registry';
export { patientIdOf, parsePatientId, ownerPatientId } from './patient-id';
export { LruCache } from './lru';
export type { LruBounds, LruStats } from './lru';
export type { Store, SetOptions, MemoryStoreOptions, RedisStoreOptions } from './store';
export { createMemoryStore, createRedisStore, redactRedisUrl } from './store';
export { createDefaultEngine, loadModels } from './bind-engine';
