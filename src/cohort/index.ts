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
export type { Cohort, CohortMember, CohortRequest, CohortServiceOptions } from './cohorts';
export type { BalanceSpec, BalanceBy, BalanceTarget } from './balance';
export { MAX_STRATA, MISSING_LEVEL, STRATUM_SEPARATOR } from './balance';
export { allocate } from './allocation';
export type { Stratum, SupportOf } from './strata';
export { DEFAULT_THIN_STRATUM_RECORDS, WHOLE_COHORT_STRATUM } from './strata';
export { ModelRegistry, loadModelFile, defaultModelPath, DEFAULT_MODEL_FILE } from './model-registry';
export { patientIdOf, parsePatientId, ownerPatientId } from './patient-id';
export { LruCache } from './lru';
export type { LruBounds, LruStats } from './lru';
export type { Store, SetOptions, MemoryStoreOptions, RedisStoreOptions } from './store';
export { createMemoryStore, createRedisStore, redactRedisUrl } from './store';
export { createDefaultEngine, loadModels } from './bind-engine';
export {
  profileTableChunks,
  profileColumns,
  parseProfileTableFormat,
  PROFILE_TABLE_FORMATS,
  PROFILE_TABLE_MEDIA_TYPES,
  PROFILE_ID_COLUMNS,
} from './profile-table';
export type { ProfileTableFormat, ProfileSource } from './profile-table';
export { twinWhere, defaultKeep, ageBand, AGE_BAND, AGE_BAND_YEARS, DEFAULT_SIMILAR_TOLERANCE } from './twin-where';
export type { TwinOptions, TwinHold, TwinWhere } from './twin-where';
export { parseCohortRequest } from './request';
