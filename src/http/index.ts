export { createHttpApp, FHIR_BASE_PATH } from './http-app';
export type { HttpAppOptions, HttpHandler } from './http-app';
export { serveFhir, isFhirPath } from './serve';
export { negotiate } from './negotiation';
export type { ResponseType } from './negotiation';
export { requestIdOf } from './request-id';
export { createHardenedServer, SECURITY_HEADERS } from './harden';
export type { HardenedServer, ServerTimeouts } from './harden';
