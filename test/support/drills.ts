/**
 * Shared checks for the reliability drills (test/drills, scripts/drills): what every error response
 * must look like, and the run budget (bounded in CI, longer under `npm run drills`).
 */

/** A stack frame or a source path in a body means internals leaked to the client. */
export const INTERNALS = /\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|\/work\/|\/home\/|\/usr\/lib\//;

/** Fixed seed for every property run (FUZZ_SEED overrides, to replay a failure). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? '20261202');

/** Runs per property: small in CI, DRILLS_SCALE times more under `npm run drills`. */
export function fuzzRuns(ciRuns: number): number {
  const scale = Number(process.env.DRILLS_SCALE ?? '1');
  return Math.max(1, Math.round(ciRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

export interface ResponseLike {
  readonly status: number;
  readonly text: string;
  readonly contentType: string | undefined;
}

/**
 * Why a response breaks the promise (undefined: it keeps it): no 5xx; an error is an
 * OperationOutcome whose first issue names the problem (diagnostics or details.text); no internals.
 */
export function brokenPromise(r: ResponseLike): string | undefined {
  if (r.status >= 500) return `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
  if (INTERNALS.test(r.text)) return `internals leaked: ${r.text.slice(0, 300)}`;
  if (r.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(r.text);
    } catch {
      return `HTTP ${r.status} body is not JSON: ${r.text.slice(0, 200)}`;
    }
    const o = body as { resourceType?: unknown; issue?: { diagnostics?: unknown; details?: { text?: unknown } }[] };
    if (o.resourceType !== 'OperationOutcome') return `HTTP ${r.status} without an OperationOutcome`;
    const first = o.issue?.[0];
    const said = first?.diagnostics ?? first?.details?.text;
    if (typeof said !== 'string' || said.trim() === '') return `HTTP ${r.status} OperationOutcome names no problem`;
  }
  return undefined;
}
