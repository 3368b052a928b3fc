export { createHttpApp, FHIR_BASE_PATH } from './http-app';
export type { HttpAppOptions, HttpHandler } from './http-app';
export { serveFhir, isFhirPath } from './serve';
export { negotiate } from './negotiation';
export type { ResponseType } from './negotiation';
export { requestIdOf } from './request-id';
export { formatMetrics, PROMETHEUS_CONTENT_TYPE } from './metrics';
export type { MetricsSnapshot } from './metrics';
export { ReadCache, isNotModified } from './read-cache';
