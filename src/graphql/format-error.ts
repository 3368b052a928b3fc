import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';

import { isSynthfhirError } from '../errors';
import type { Logger } from '../fhir';
import { errorToOutcome } from '../fhir';

/** `extensions.code` of GraphQL's own request errors (syntax, validation, bad variables). */
export const GRAPHQL_REQUEST_ERROR = 'INVALID_INPUT';

/**
 * Codes a GraphQL error keeps as they are: catalogue codes set by our own rules, and Apollo's
 * automatic persisted queries protocol (clients retry with the full query on PERSISTED_QUERY_NOT_FOUND).
 */
const KEEP = new Set(['TOO_COSTLY', 'METHOD_NOT_ALLOWED', 'INVALID_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * One formatted GraphQL error: a catalogue error keeps its code (`extensions.code`, the REST
 * catalogue's), message and the parameter at fault (`extensions.expression`); GraphQL's own parse,
 * validation and variable errors are INVALID_INPUT; anything else is INTERNAL with the generic
 * message and an error id the log repeats with the stack. Never a stack trace. See: docs/CONVENTIONS.md "Errors".
 */
export function formatGraphqlError(error: unknown, logger: Logger | undefined, context: Readonly<Record<string, unknown>> = {}): GraphQLFormattedError {
  const gql = error instanceof GraphQLError ? error : undefined;
  const original: unknown = gql?.originalError ?? (gql === undefined ? error : undefined);
  const where = {
    ...(gql?.locations !== undefined ? { locations: gql.locations } : {}),
    ...(gql?.path !== undefined ? { path: gql.path } : {}),
  };
  if (isSynthfhirError(original)) {
    return {
      message: original.message,
      ...where,
      extensions: {
        code: original.code,
        status: original.status,
        ...(original.expression !== undefined && original.expression.length > 0 ? { expression: original.expression } : {}),
      },
    };
  }
  if (gql !== undefined && (original === undefined || original instanceof GraphQLError)) {
    // Apollo wraps validation errors (GRAPHQL_VALIDATION_FAILED) around ours: the innermost code we set wins.
    const inner = original instanceof GraphQLError ? original : gql;
    const code = [inner.extensions.code, gql.extensions.code].find((c): c is string => typeof c === 'string' && KEEP.has(c)) ?? GRAPHQL_REQUEST_ERROR;
    return { message: gql.message, ...where, extensions: { ...gql.extensions, ...inner.extensions, code } };
  }
  const { outcome } = errorToOutcome(original, logger, context);
  return { message: outcome.issue[0]?.diagnostics ?? 'Internal error.', ...where, extensions: { code: 'INTERNAL', status: 500 } };
}
