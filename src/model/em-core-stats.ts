import { cholesky, forwardSolveInPlace, backSolveTransposeInPlace } from './linalg';
import type { EmData, EmParams } from './em-types';
import type { Pattern } from './em-estep';

/**
 * Sufficient statistics of the M-step (em-mstep.ts): sparse responsibilities, the core Gaussian's
 * expected moments with missing scores filled by their conditional expectation, and the ridge
 * regression of the driver effects.
 */

/** Responsibilities below this are skipped in the M-step sums (at most K·1e-5 of a row's mass). */
export const RESP_SKIP = 1e-5;
/** Driver-effect sets: 0 for most components, 1 for a score stratum's (children). */
export const EFFECT_SETS = 2;
/** Ridge (in records) on the driver effects B. */
export const EFFECT_RIDGE_RECORDS = 20;

/** Responsibilities ≥ RESP_SKIP as per-row lists of (component, r·w). */
export interface SparseResp {
  readonly start: Int32Array;
  readonly comp: Int32Array;
  readonly rw: Float64Array;
}

export function sparsify(resp: Float64Array, w: Float64Array, n: number, K: number): SparseResp {
  const start = new Int32Array(n + 1);
  const comp: number[] = [];
  const rw: number[] = [];
  for (let i = 0; i < n; i++) {
    start[i] = comp.length;
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k];
      if (r >= RESP_SKIP) {
        comp.push(k);
        rw.push(r * w[i]);
      }
    }
  }
  start[n] = comp.length;
  return { start, comp: Int32Array.from(comp), rw: Float64Array.from(rw) };
}

/**
 * Adds one pattern's expected sufficient statistics Σ r w e, Σ r w (e eᵀ + C) to s1, s2 (lower
 * triangle), where e = z − Bf with missing entries replaced by E[z_m | z_o, k] and C the conditional
 * covariance of the missing block. Without previous parameters missing entries count as N(0, 1).
 */
export function accumulateCore(
  pat: Pattern,
  data: EmData,
  resp: Float64Array,
  K: number,
  shift: Float64Array,
  previous: EmParams | undefined,
  factors: (Float64Array | undefined)[] | undefined,
  s1: Float64Array,
  s2: Float64Array,
): void {
  const { w } = data;
  const { d, z } = data.core;
  const obs = pat.obs;
  const mis = pat.mis;
  const o = obs.length;
  const m = mis.length;
  const rows = pat.rows;
  const e = new Float64Array(d);
  const g = new Float64Array(o);
  const reg = new Float64Array(m * o);
  const condCov = new Float64Array(m * m);
  const tmp = new Float64Array(o);
  const muO = new Float64Array(o);
  const muM = new Float64Array(m);
  for (let k = 0; k < K; k++) {
    const havePrev = previous !== undefined && m > 0;
    if (havePrev) {
      const prevCov = previous.cov;
      const base = k * d * d;
      const l = factors?.[k];
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < o; b++) tmp[b] = prevCov[base + obs[b] * d + mis[a]];
        if (l !== undefined && o > 0) {
          forwardSolveInPlace(l, o, tmp);
          backSolveTransposeInPlace(l, o, tmp);
        }
        for (let b = 0; b < o; b++) reg[a * o + b] = tmp[b];
      }
      for (let a = 0; a < m; a++) {
        for (let c = 0; c <= a; c++) {
          let s = prevCov[base + mis[a] * d + mis[c]];
          for (let b = 0; b < o; b++) s -= reg[a * o + b] * prevCov[base + obs[b] * d + mis[c]];
          condCov[a * m + c] = s;
          condCov[c * m + a] = s;
        }
      }
      for (let b = 0; b < o; b++) muO[b] = previous.mean[k * d + obs[b]];
      for (let a = 0; a < m; a++) muM[a] = previous.mean[k * d + mis[a]];
    } else {
      muM.fill(0);
    }
    let patMass = 0;
    const b1 = k * d;
    const b2 = k * d * d;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      const rk = resp[i * K + k];
      if (rk < RESP_SKIP) continue;
      const rw = rk * w[i];
      patMass += rw;
      const zi = i * d;
      for (let b = 0; b < o; b++) {
        const j = obs[b];
        const v = z[zi + j] - shift[zi + j];
        e[j] = v;
        g[b] = v - muO[b];
      }
      for (let a = 0; a < m; a++) {
        let v = muM[a];
        if (havePrev) {
          const ra = a * o;
          for (let b = 0; b < o; b++) v += reg[ra + b] * g[b];
        }
        e[mis[a]] = v;
      }
      for (let a = 0; a < d; a++) {
        const ea = e[a] * rw;
        s1[b1 + a] += ea;
        const ra = b2 + a * d;
        for (let c = 0; c <= a; c++) s2[ra + c] += ea * e[c];
      }
    }
    if (patMass === 0) continue;
    for (let a = 0; a < m; a++) {
      for (let c = 0; c <= a; c++) {
        const ja = mis[a];
        const jc = mis[c];
        const hi = ja > jc ? ja : jc;
        const lo = ja > jc ? jc : ja;
        s2[b2 + hi * d + lo] += patMass * (havePrev ? condCov[a * m + c] : a === c ? 1 : 0);
      }
    }
  }
}

/**
 * Ridge regression per core dimension (and per effect set) of (z − Σ_k r_k μ_k) on the driver
 * features (observed rows): EFFECT_SETS × d × F; set 1 stays 0 when no row belongs to it.
 */
export function updateEffects(
  data: EmData,
  sp: SparseResp,
  mean: Float64Array,
  rowSet: Int8Array,
  sets: number,
): Float64Array {
  const { n, w, features, nFeatures: F } = data;
  const { d, z, fixedZeroEffect } = data.core;
  const out = new Float64Array(EFFECT_SETS * d * F);
  const a = new Float64Array(F * F);
  const rhs = new Float64Array(F);
  for (let jg = 0; jg < sets * d; jg++) {
    const g = Math.floor(jg / d);
    const j = jg % d;
    if (fixedZeroEffect[j] === 1) continue;
    a.fill(0);
    rhs.fill(0);
    for (let i = 0; i < n; i++) {
      if (rowSet[i] !== g) continue;
      const zij = z[i * d + j];
      if (Number.isNaN(zij)) continue;
      let m = 0;
      let rs = 0;
      for (let t = sp.start[i]; t < sp.start[i + 1]; t++) {
        m += sp.rw[t] * mean[sp.comp[t] * d + j];
        rs += sp.rw[t];
      }
      m = rs > 0 ? m / rs : 0;
      const t = zij - m;
      for (let p = 0; p < F; p++) {
        const fp = features[i * F + p];
        if (fp === 0) continue;
        rhs[p] += w[i] * fp * t;
        for (let q = 0; q < F; q++) a[p * F + q] += w[i] * fp * features[i * F + q];
      }
    }
    for (let p = 0; p < F; p++) a[p * F + p] += EFFECT_RIDGE_RECORDS;
    const l = cholesky(a, F);
    if (l === undefined) continue;
    forwardSolveInPlace(l, F, rhs);
    backSolveTransposeInPlace(l, F, rhs);
    for (let p = 0; p < F; p++) out[g * d * F + j * F + p] = rhs[p];
  }
  return out;
}
