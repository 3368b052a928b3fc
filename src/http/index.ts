export { createHttpApp, FHIR_BASE_PATH } from './http-app';
export type { HttpAppOptions, HttpHandler } from './http-app';
export { serveFhir, isFhirPath } from './serve';
export { negotiate } from './negotiation';
export type { ResponseType } from './negotiation';
export { requestIdOf } from './request-id';
export { cohortsRouter, sendProblem, streamChunks, COHORTS_PATH } from './cohorts-api';
export type { CohortsApiOptions, CohortView, ChunkSink } from './cohorts-api';
