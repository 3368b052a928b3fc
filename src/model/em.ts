import type { Rng } from '../random';
import type { EmData, EmOptions, EmParams, EmStratum } from './em-types';
import { componentGroups } from './em-strata';
import { initialResponsibilities } from './em-init';
import { eStep, patternsOf } from './em-estep';
import type { EmState } from './em-estep';
import { mStep } from './em-mstep';

/**
 * Expectation-maximisation for the mixed-data mixture (see layout.ts for the model), with survey
 * weights, missing-at-random continuous entries marginalised per missingness pattern, and
 * conjugate-style shrinkage so no component degenerates. Driver effects B are updated by a
 * conditional-maximisation step (per dimension, ridge) after μ and Σ: an ECM algorithm.
 * See: Dempster, Laird & Rubin (1977); Meng & Rubin, "Maximum likelihood estimation via the ECM
 * algorithm", Biometrika 80 (1993); Little & Rubin, Statistical Analysis with Missing Data, §11.2.
 */

/** EM stops after this many iterations whose log-likelihood fell (possible under ECM). */
const MAX_DIPS = 5;

export {
  CATEGORY_PRIOR_RECORDS,
  COVARIANCE_PRIOR_RECORDS,
  PRESENCE_PRIOR_RECORDS,
  SATELLITE_PRIOR_RECORDS,
} from './em-mstep';
export { EFFECT_RIDGE_RECORDS, EFFECT_SETS } from './em-core-stats';
export type { EmState } from './em-estep';

/** Unweighted records per component (Σ_i r_ik). */
export function componentRecords(resp: Float64Array, n: number, K: number): Float64Array {
  const out = new Float64Array(K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[k] += resp[i * K + k];
  return out;
}

/** Drops components backed by fewer than kFloor records; returns the kept responsibilities. */
function pruneComponents(
  resp: Float64Array,
  n: number,
  K: number,
  kFloor: number,
  group: Int8Array,
  S: number,
): { resp: Float64Array; k: number; group: Int8Array } {
  const records = componentRecords(resp, n, K);
  const keep: number[] = [];
  for (let k = 0; k < K; k++) if (records[k] >= kFloor) keep.push(k);
  if (keep.length === K || keep.length === 0) return { resp, k: K, group };
  // A stratum side (in or out) whose every component falls under k cannot stand alone: lift
  // that stratum (its rows go back to ordinary components) rather than orphan them.
  const lift = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    for (const side of [0, 1]) {
      const before = Array.from({ length: K }, (_, k) => group[k * S + s]).includes(side);
      const after = keep.some((k) => group[k * S + s] === side);
      if (before && !after) lift[s] = 1;
    }
  }
  const K2 = keep.length;
  const out = new Float64Array(n * K2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let q = 0; q < K2; q++) s += resp[i * K + keep[q]];
    for (let q = 0; q < K2; q++) out[i * K2 + q] = s > 0 ? resp[i * K + keep[q]] / s : 1 / K2;
  }
  const g2 = new Int8Array(K2 * S);
  keep.forEach((k, q) => {
    for (let s = 0; s < S; s++) g2[q * S + s] = lift[s] === 1 ? -1 : group[k * S + s];
  });
  return { resp: out, k: K2, group: g2 };
}

/**
 * Runs EM from a k-means++ start until the mean log-likelihood gain per (weighted) row falls under
 * the tolerance. Components under kFloor records are dropped as they appear (mass renormalised).
 */
export function runEm(data: EmData, options: EmOptions, rng: Rng): EmState {
  const patterns = patternsOf(data);
  let K = Math.min(options.k, Math.max(1, Math.floor(data.n / Math.max(1, options.kFloor))));
  const strata = options.strata ?? [];
  const S = strata.length;
  let group = componentGroups(K, strata);
  let resp = initialResponsibilities(data, K, rng, group, strata);
  ({ resp, k: K, group } = pruneComponents(resp, data.n, K, options.kFloor, group, S));
  let params = mStep(data, patterns, resp, K, undefined, undefined, group, strata);
  const state: EmState = { data, patterns, strata, resp, params, logLikelihood: -Infinity, iterations: 0 };
  let wTotal = 0;
  for (let i = 0; i < data.n; i++) wTotal += data.w[i];
  let prev = -Infinity;
  let dips = 0;
  for (let it = 0; it < options.maxIterations; it++) {
    const factors = eStep(state);
    state.iterations = it + 1;
    options.onIteration?.(it, state.logLikelihood);
    const pruned = pruneComponents(state.resp, data.n, state.params.k, options.kFloor, state.params.group, S);
    if (pruned.k !== state.params.k) {
      state.resp = pruned.resp;
      params = mStep(data, patterns, pruned.resp, pruned.k, undefined, undefined, pruned.group, strata);
      // Restart the conditional expectations from scratch for the smaller mixture.
      state.params = params;
      prev = -Infinity;
      continue;
    }
    // ECM (the B step) may dip slightly: stop on a small gain, or on repeated dips.
    const gain = (state.logLikelihood - prev) / wTotal;
    if (gain >= 0 && gain < options.tolerance) break;
    if (gain < 0 && ++dips >= MAX_DIPS) break;
    prev = state.logLikelihood;
    state.params = mStep(
      data,
      patterns,
      state.resp,
      state.params.k,
      state.params,
      factors,
      state.params.group,
      strata,
    );
  }
  return state;
}

/** Weighted log-likelihood of (other) data under fitted parameters, per weighted row. */
export function meanLogLikelihood(data: EmData, params: EmParams, strata: readonly EmStratum[] = []): number {
  const state: EmState = {
    data,
    patterns: patternsOf(data),
    strata,
    resp: new Float64Array(0),
    params,
    logLikelihood: 0,
    iterations: 0,
  };
  eStep(state);
  let wTotal = 0;
  for (let i = 0; i < data.n; i++) wTotal += data.w[i];
  return state.logLikelihood / wTotal;
}

/** Free parameters of the mixture, for BIC. */
export function parameterCount(data: EmData, params: EmParams): number {
  const K = params.k;
  const d = data.core.d;
  let perComponent = d + (d * (d + 1)) / 2 + d;
  for (const c of data.cats) {
    let free = -1;
    for (let s = 0; s < c.states; s++) if (c.suppressed[s] === 0) free++;
    perComponent += Math.max(0, free);
  }
  perComponent += 3 * data.sats.length;
  return K * perComponent + (K - 1) + d * data.nFeatures;
}
