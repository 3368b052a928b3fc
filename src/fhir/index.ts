export type {
  Resource,
  Meta,
  FhirRequest,
  FhirResponse,
  BodyStream,
  OperationOutcome,
  OperationOutcomeIssue,
  Bundle,
  BundleEntry,
  BundleLink,
  Logger,
} from './types';
export { createFhirRouter } from './router';
export type { FhirRouter } from './router';
export { SERVED_TYPES, EXTRA_TYPES, isServedType } from './context';
export type { FhirContext, Route, RouteParams, Handler, HandlerCall, Interaction, ServedType, ExportSettings } from './context';
export { DEFAULT_ROUTES } from './routes';
export { errorToOutcome, errorResponse, errorOutcome, operationOutcome, FHIR_JSON } from './outcome';
export type { ErrorOutcome } from './outcome';
export { searchsetBundle, historyBundle, pageLinks, fullUrlOf } from './bundle';
export type { SearchsetPage } from './bundle';
export { capabilityStatement, CAPABILITY_TYPES, typesOf, FHIR_VERSION, FORMATS } from './capability';
export { ResourceCorpus } from './resource-corpus';
export { CorpusProvider, MAX_UNSCOPED_COHORT_SIZE } from './corpus-provider';
export { patientScope } from './scope';
export { parsePrefer } from './prefer';
export type { Preferences } from './prefer';
export { parseFhirDateRange, careDateRange } from './dates';
export type { SearchPort } from './search-port';
export { createSearchPort } from './bind-search';
export { EVERYTHING_DEFINITION, everythingOperationDefinition } from './operations/everything';
export { createRepository } from './repository';
export type { FhirRepository, SearchPage, SearchParams, PatientWindow, IndexRange, RepositoryScope } from './repository';
export { compareSpecificity, COHORT_BASE_SEGMENT } from './router';
export { COHORT_DEFINITION, cohortOperationDefinition } from './operations/cohort';
export { toGroup, groupAnnotationsOf, COHORT_IDENTIFIER_SYSTEM, COHORT_SPEC_EXTENSION, MAX_LISTED_MEMBERS } from './operations/group';
export { parseOperationInput, parseOperationQuery, loadOperationDefinition } from './operations/parameters';
export type { OperationDefinition, OperationValue } from './operations/parameters';
export { mapRecord } from './record-map';
export type { RecordMapping, MappedField } from './record-map';
export {
  EXPORT_ROUTES,
  EXPORT_DEFINITION,
  PATIENT_EXPORT_DEFINITION,
  GROUP_EXPORT_DEFINITION,
  EXPORT_STATUS_SEGMENT,
  EXPORT_FILE_SEGMENT,
  exportManifest,
  exportOperationDefinition,
} from './operations/export';
export type { ExportJob, ExportFormat } from './operations/export-job';
export { ExportJobs, DEFAULT_EXPORT_SETTINGS, createPartitionCache, PARTITION_SHARED_TTL_MS } from './operations/export-jobs';
export { PartitionCache, partitionKey } from './operations/export-cache';
export { ndjsonChunks, streamResponse, NDJSON_CHUNK_CHARS } from './ndjson';
