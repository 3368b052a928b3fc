import { randomUUID } from 'node:crypto';

import { ERROR_CATALOGUE, isSynthfhirError } from '../errors';

import type { FhirResponse, Logger, OperationOutcome, OperationOutcomeIssue } from './types';

/** The FHIR media type every response carries. */
export const FHIR_JSON = 'application/fhir+json';

/** An OperationOutcome with the given issues. */
export function operationOutcome(issues: readonly OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** One error issue. */
export function errorOutcome(code: string, diagnostics: string, expression?: readonly string[]): OperationOutcome {
  return operationOutcome([
    { severity: 'error', code, diagnostics, ...(expression !== undefined && expression.length > 0 ? { expression } : {}) },
  ]);
}

/** The body and status of an error, and the error id when it was unknown (logged with its stack). */
export interface ErrorOutcome {
  readonly status: number;
  readonly outcome: OperationOutcome;
  readonly errorId?: string;
}

/**
 * Turns anything thrown into an OperationOutcome. Never throws. A catalogue error keeps its status,
 * issue type and message, and names what was at fault in `expression`; anything else is a 500 with
 * generic text and an error id that the log line repeats with the stack — no stack trace or
 * internal message ever reaches a client. See: docs/CONVENTIONS.md "Errors".
 */
export function errorToOutcome(e: unknown, logger?: Logger, context: Readonly<Record<string, unknown>> = {}): ErrorOutcome {
  try {
    if (isSynthfhirError(e)) {
      return { status: e.status, outcome: errorOutcome(e.issueType, e.message, e.expression) };
    }
  } catch {
    // A broken error object falls through to the generic 500.
  }
  const errorId = randomUUID();
  try {
    logger?.error({ ...context, errorId, err: e }, 'unhandled error');
  } catch {
    // Logging must not turn a 500 into a crash.
  }
  const { status, issue, message } = ERROR_CATALOGUE.INTERNAL;
  return { status, outcome: errorOutcome(issue, message.replace('{errorId}', errorId)), errorId };
}

/** The FhirResponse for a thrown error. Never throws. */
export function errorResponse(e: unknown, logger?: Logger, context: Readonly<Record<string, unknown>> = {}): FhirResponse {
  const { status, outcome } = errorToOutcome(e, logger, context);
  // A transient refusal that knows when to come back (an index being built) says so.
  const retry = status === 503 && isSynthfhirError(e) ? e.params.retryAfterSeconds : undefined;
  const headers: Record<string, string> = { 'content-type': FHIR_JSON };
  if (typeof retry === 'number') headers['retry-after'] = String(retry);
  return { status, headers, body: outcome };
}
