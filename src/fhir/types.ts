/**
 * The framework-free shapes of the FHIR facade: a request in, a response out (HTTP, `$graphql` and
 * the CLI all speak these), and the few FHIR resources the facade builds itself.
 * See: docs/CONVENTIONS.md "A FHIR core without a web framework" (medplum fhir-router).
 */

import type { Resource } from './search/types';

/** Any FHIR resource, as far as the facade needs to know (the same structural type search uses). */
export type { Resource, ResourceMeta as Meta } from './search/types';
/** R4 resources the facade builds itself, from the project's one set of R4 types (@types/fhir `fhir/r4`). */
export type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  Group,
  GroupCharacteristic,
  Parameters,
  ParametersParameter,
} from 'fhir/r4';

export interface FhirRequest {
  /** HTTP method (GET, POST...); HEAD is served as GET. */
  readonly method: string;
  /** Path below the FHIR base, percent-encoded as received: "Patient/x", "/Patient/x/_history/1". */
  readonly path: string;
  /** Query pairs in order, repeats kept (repeat = AND in search). */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** application/x-www-form-urlencoded body pairs (POST [type]/_search); merged after the query. */
  readonly form?: ReadonlyArray<readonly [string, string]>;
  /** A parsed JSON body, if any. */
  readonly body?: unknown;
  /** Header values by lower-case name (prefer, accept...); node's IncomingHttpHeaders fits as is. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The absolute FHIR base URL for links, without a trailing slash (e.g. http://host/fhir). */
  readonly baseUrl: string;
  /** Correlates the error log of a 500 with the request's log line. */
  readonly requestId?: string;
  /**
   * Who is asking, for per-client limits (Bulk Data jobs): the first X-Forwarded-For address, else
   * the peer address. Absent for in-process callers.
   */
  readonly client?: string;
}

/**
 * A response body written piece by piece (Bulk Data NDJSON files, the export manifest) instead of
 * one serialized resource: the HTTP layer writes the chunks in order with backpressure and never
 * holds the whole body. Iterating may generate (a partition of patients is generated lazily).
 */
export interface BodyStream {
  /** The media type sent as Content-Type (e.g. application/fhir+ndjson). */
  readonly contentType: string;
  readonly chunks: Iterable<string> | AsyncIterable<string>;
}

export interface FhirResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The resource sent as JSON. For a streamed response (`stream` set) the HTTP layer sends the
   * stream instead, and `body` is a short OperationOutcome saying so (what in-process callers that
   * cannot stream see).
   */
  readonly body: Resource;
  /** When set, the response body: written chunk by chunk instead of `body`. */
  readonly stream?: BodyStream;
  /** The cohort the request touched, for the access log. */
  readonly cohortId?: string;
}

export interface OperationOutcomeIssue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  readonly code: string;
  readonly diagnostics?: string;
  readonly expression?: readonly string[];
}

export interface OperationOutcome extends Resource {
  readonly resourceType: 'OperationOutcome';
  readonly issue: readonly OperationOutcomeIssue[];
}

export interface BundleLink {
  readonly relation: string;
  readonly url: string;
}

export interface BundleEntry {
  readonly fullUrl?: string;
  readonly resource?: Resource;
  readonly search?: { readonly mode: 'match' | 'include' | 'outcome' };
  readonly request?: { readonly method: string; readonly url: string };
  readonly response?: { readonly status: string; readonly etag?: string; readonly lastModified?: string };
}

export interface Bundle extends Resource {
  readonly resourceType: 'Bundle';
  readonly type: 'searchset' | 'history' | 'collection';
  readonly total?: number;
  readonly link?: readonly BundleLink[];
  readonly entry?: readonly BundleEntry[];
}

/** A pino-compatible logger subset: the facade logs unknown errors with their id and stack. */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}
