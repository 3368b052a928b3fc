/**
 * The error catalogue: every user-facing error has a code, and each code one HTTP status, FHIR
 * issue type, GraphQL extensions.code, CLI exit code and message template. The README's error
 * table is checked against this object by a test. See: docs/CONVENTIONS.md "Errors".
 */
export const ERROR_CATALOGUE = {
  INVALID_INPUT: { status: 400, issue: 'invalid', exit: 2, message: '{detail}' },
  INVALID_WHERE: { status: 400, issue: 'invalid', exit: 2, message: 'Invalid where: {detail}' },
  UNKNOWN_VARIABLE: {
    status: 400,
    issue: 'invalid',
    exit: 2,
    message: 'Unknown variable "{name}"{suggestion}.',
  },
  UNKNOWN_CATEGORY: {
    status: 400,
    issue: 'invalid',
    exit: 2,
    message: 'Unknown category "{value}" for {name}; valid: {valid}.',
  },
  INVALID_SEARCH_PARAMETER: { status: 400, issue: 'invalid', exit: 2, message: '{detail}' },
  UNKNOWN_SEARCH_PARAMETER: { status: 400, issue: 'not-supported', exit: 2, message: '{detail}' },
  FILE_NOT_FOUND: { status: 400, issue: 'not-found', exit: 2, message: 'Cannot read {path}: {detail}' },
  NOT_FOUND: { status: 404, issue: 'not-found', exit: 4, message: '{detail}' },
  UNKNOWN_RESOURCE_TYPE: { status: 404, issue: 'not-supported', exit: 4, message: '{detail}' },
  METHOD_NOT_ALLOWED: { status: 405, issue: 'not-supported', exit: 2, message: '{detail}' },
  NOT_ACCEPTABLE: { status: 406, issue: 'not-supported', exit: 2, message: '{detail}' },
  GONE: { status: 410, issue: 'deleted', exit: 4, message: '{detail}' },
  REQUEST_TIMEOUT: { status: 408, issue: 'timeout', exit: 2, message: '{detail}' },
  PAYLOAD_TOO_LARGE: { status: 413, issue: 'too-costly', exit: 2, message: '{detail}' },
  URI_TOO_LONG: { status: 414, issue: 'too-costly', exit: 2, message: '{detail}' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, issue: 'not-supported', exit: 2, message: '{detail}' },
  HEADERS_TOO_LARGE: { status: 431, issue: 'too-costly', exit: 2, message: '{detail}' },
  UNSUPPORTED_SUBGROUP: {
    status: 422,
    issue: 'business-rule',
    exit: 3,
    message: 'No training support for {where} (weighted support {support}).',
  },
  CONTRADICTS_SCHEMA: {
    status: 422,
    issue: 'business-rule',
    exit: 3,
    message: 'Impossible subgroup: {detail}',
  },
  INFEASIBLE_STRATA: {
    status: 422,
    issue: 'business-rule',
    exit: 3,
    message: 'Infeasible balance: {detail}',
  },
  UNPROCESSABLE: { status: 422, issue: 'processing', exit: 3, message: '{detail}' },
  TOO_COSTLY: { status: 400, issue: 'too-costly', exit: 2, message: '{detail}' },
  TOO_MANY_REQUESTS: { status: 429, issue: 'throttled', exit: 1, message: '{detail}' },
  INTERNAL: { status: 500, issue: 'exception', exit: 1, message: 'Internal error (error id {errorId}).' },
  SERVICE_UNAVAILABLE: { status: 503, issue: 'transient', exit: 1, message: '{detail}' },
} as const satisfies Record<string, { status: number; issue: string; exit: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Fills {name} placeholders; unknown ones are left as written. */
export function formatMessage(template: string, params: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    if (v === undefined) return whole;
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** The base of every user error (bad input, unknown id, impossible subgroup...). */
export class SynthfhirError extends Error {
  readonly code: ErrorCode;
  readonly params: Readonly<Record<string, unknown>>;
  /** FHIR expressions (e.g. the search parameter at fault) for OperationOutcome.issue.expression. */
  readonly expression: readonly string[] | undefined;

  constructor(
    code: ErrorCode,
    params: Readonly<Record<string, unknown>> = {},
    expression?: readonly string[],
  ) {
    super(formatMessage(ERROR_CATALOGUE[code].message, params));
    this.name = new.target.name;
    this.code = code;
    this.params = params;
    this.expression = expression;
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CATALOGUE[this.code].exit;
  }

  get issueType(): string {
    return ERROR_CATALOGUE[this.code].issue;
  }
}

/** Malformed or invalid input (400; CLI exit 2). */
export class InvalidInputError extends SynthfhirError {
  constructor(detail: string, expression?: readonly string[], code: ErrorCode = 'INVALID_INPUT') {
    super(code, { detail }, expression);
  }
}

/** A `where` that does not parse or names unknown variables/categories (400; exit 2). */
export class InvalidWhereError extends SynthfhirError {}

/** An id, resource type or file that does not exist (404; exit 4). */
export class NotFoundError extends SynthfhirError {
  constructor(detail: string, code: ErrorCode = 'NOT_FOUND') {
    super(code, { detail });
  }
}

/** A subgroup with (near) zero probability under the model, or impossible by schema (422; exit 3). */
export class UnsupportedSubgroupError extends SynthfhirError {}

/** Anything the server refuses for a protocol reason: 405, 406, 410, 413, 415. */
export class ProtocolError extends SynthfhirError {
  constructor(code: ErrorCode, detail: string) {
    super(code, { detail });
  }
}

export function isSynthfhirError(e: unknown): e is SynthfhirError {
  return e instanceof SynthfhirError;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The nearest candidate to a misspelt name, or undefined when nothing is close. */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** `; did you mean "x"?` or empty. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const n = nearest(name, candidates);
  return n === undefined ? '' : `; did you mean "${n}"?`;
}
