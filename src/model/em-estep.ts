import { choleskyRobust, logDetFromCholesky } from './linalg';
import { NOT_APPLICABLE } from './em-types';
import type { EmData, EmParams, EmStratum } from './em-types';
import { rowEffectSets, stratumSide } from './em-strata';

/**
 * The E-step of EM (em.ts): per-row log densities of every component (categoricals, presence,
 * satellites, and the core Gaussian marginalised over each row's missing scores), normalised into
 * responsibilities; also the missingness patterns and driver shifts the M-step reuses.
 */

const LOG_2PI = Math.log(2 * Math.PI);
/** Log-likelihood charged for a row no component can produce. */
const IMPOSSIBLE_ROW_LOG_LIKELIHOOD = -1e4;

/** Rows sharing one pattern of observed (obs) and missing (mis) core dimensions. */
export interface Pattern {
  readonly obs: Int32Array;
  readonly mis: Int32Array;
  readonly rows: Int32Array;
}

export function patternsOf(data: EmData): Pattern[] {
  const { n } = data;
  const { d, z } = data.core;
  const map = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    let key = '';
    for (let j = 0; j < d; j++) key += Number.isNaN(z[i * d + j]) ? '0' : '1';
    let list = map.get(key);
    if (list === undefined) {
      list = [];
      map.set(key, list);
    }
    list.push(i);
  }
  return [...map.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, rows]) => {
      const obs: number[] = [];
      const mis: number[] = [];
      for (let j = 0; j < d; j++) (key[j] === '1' ? obs : mis).push(j);
      return { obs: Int32Array.from(obs), mis: Int32Array.from(mis), rows: Int32Array.from(rows) };
    });
}

/** State shared across iterations of one run. */
export interface EmState {
  readonly data: EmData;
  readonly patterns: readonly Pattern[];
  /** Strata (score strata are enforced in the E-step; categorical ones by their probabilities). */
  readonly strata: readonly EmStratum[];
  /** n × K responsibilities. */
  resp: Float64Array;
  params: EmParams;
  logLikelihood: number;
  iterations: number;
}

/** Driver shift B_set(i) f_i for every row: n × d. */
export function driverShift(data: EmData, params: EmParams, rowSet: Int8Array): Float64Array {
  const { n, nFeatures: f, features } = data;
  const { d } = data.core;
  const out = new Float64Array(n * d);
  if (f === 0) return out;
  const b = params.effects;
  for (let i = 0; i < n; i++) {
    const base = rowSet[i] * d * f;
    for (let q = 0; q < f; q++) {
      if (features[i * f + q] === 0) continue;
      const x = features[i * f + q];
      for (let j = 0; j < d; j++) out[i * d + j] += b[base + j * f + q] * x;
    }
  }
  return out;
}

/**
 * Per-row log p(row, k) for every component: n × K, plus per (pattern, component) Cholesky factors
 * of Σ_oo for the M-step. Rows are independent given parameters.
 */
export function componentLogDensities(
  data: EmData,
  patterns: readonly Pattern[],
  params: EmParams,
  shift: Float64Array,
): { logp: Float64Array; factors: (Float64Array | undefined)[][] } {
  const { n } = data;
  const K = params.k;
  const { d, presence } = data.core;
  const logp = new Float64Array(n * K);
  const logPi = params.pi.map((p) => Math.log(p));
  const catLog = params.catProbs.map((p) => p.map((x) => Math.log(x)));
  const presLog = params.corePresence.map((p) => Math.log(p));
  const missLog = params.corePresence.map((p) => Math.log(1 - p));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) logp[i * K + k] = logPi[k];
  }
  data.cats.forEach((c, v) => {
    const lp = catLog[v];
    const s = c.states;
    for (let i = 0; i < n; i++) {
      const x = c.x[i];
      if (x === NOT_APPLICABLE) continue;
      for (let k = 0; k < K; k++) logp[i * K + k] += lp[k * s + x];
    }
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const p = presence[i * d + j];
      if (p === NOT_APPLICABLE) continue;
      const table = p === 1 ? presLog : missLog;
      for (let k = 0; k < K; k++) logp[i * K + k] += table[k * d + j];
    }
  }
  data.sats.forEach((s, q) => {
    const pres = params.satPresence[q];
    const mean = params.satMean[q];
    const sd = params.satSd[q];
    const slope = params.satSlope[q];
    const pd = s.parentDim;
    const dd = data.core.d;
    const cPresent = Float64Array.from(
      { length: K },
      (_, k) => Math.log(pres[k]) - 0.5 * LOG_2PI - Math.log(sd[k]),
    );
    const cMissing = Float64Array.from({ length: K }, (_, k) => Math.log(1 - pres[k]));
    for (let i = 0; i < n; i++) {
      const p = s.presence[i];
      if (p === NOT_APPLICABLE) continue;
      for (let k = 0; k < K; k++) {
        if (p === 1) {
          const zp = pd >= 0 ? data.core.z[i * dd + pd] : 0;
          const u = (s.z[i] - mean[k] - (Number.isNaN(zp) ? 0 : slope[k] * zp)) / sd[k];
          logp[i * K + k] += cPresent[k] - 0.5 * u * u;
        } else logp[i * K + k] += cMissing[k];
      }
    }
  });
  const factors = patterns.map((pat) => addGaussianTerms(pat, data, params, shift, logp));
  return { logp, factors };
}

/** Per-pattern factors of Σ_k,oo for every component (undefined when nothing is observed). */
function patternFactors(pat: Pattern, d: number, K: number, cov: Float64Array): (Float64Array | undefined)[] {
  const o = pat.obs.length;
  const out: (Float64Array | undefined)[] = [];
  for (let k = 0; k < K; k++) {
    if (o === 0) {
      out.push(undefined);
      continue;
    }
    const sub = new Float64Array(o * o);
    const base = k * d * d;
    for (let a = 0; a < o; a++) {
      const ra = base + pat.obs[a] * d;
      for (let b = 0; b < o; b++) sub[a * o + b] = cov[ra + pat.obs[b]];
    }
    out.push(choleskyRobust(sub, o));
  }
  return out;
}

/** Adds log N(z_o; μ_k,o + (Bf)_o, Σ_k,oo) to every row of one pattern; returns the factors. */
function addGaussianTerms(
  pat: Pattern,
  data: EmData,
  params: EmParams,
  shift: Float64Array,
  logp: Float64Array,
): (Float64Array | undefined)[] {
  const K = params.k;
  const { d, z } = data.core;
  const o = pat.obs.length;
  const factors = patternFactors(pat, d, K, params.cov);
  if (o === 0) return factors;
  const obs = pat.obs;
  const consts = new Float64Array(K);
  const means = new Float64Array(K * o);
  for (let k = 0; k < K; k++) {
    consts[k] = -0.5 * (o * LOG_2PI + logDetFromCholesky(factors[k]!, o));
    for (let a = 0; a < o; a++) means[k * o + a] = params.mean[k * d + obs[a]];
  }
  const g = new Float64Array(o);
  const y = new Float64Array(o);
  const rows = pat.rows;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const zi = i * d;
    for (let a = 0; a < o; a++) g[a] = z[zi + obs[a]] - shift[zi + obs[a]];
    for (let k = 0; k < K; k++) {
      const l = factors[k]!;
      const mo = k * o;
      let quad = 0;
      for (let a = 0; a < o; a++) {
        let s = g[a] - means[mo + a];
        const la = a * o;
        for (let b = 0; b < a; b++) s -= l[la + b] * y[b];
        s /= l[la + a];
        y[a] = s;
        quad += s * s;
      }
      logp[i * K + k] += consts[k] - 0.5 * quad;
    }
  }
  return factors;
}

/** Normalises n × K log densities in place into responsibilities; returns Σ_i w_i log p(row_i). */
function normalise(logp: Float64Array, n: number, K: number, w: Float64Array): number {
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (logp[i * K + k] > max) max = logp[i * K + k];
    if (max === -Infinity) {
      // No component can produce this row (a held-out row of a lifted stratum): spread it and
      // charge a prohibitive log-likelihood, so such a K never wins a comparison.
      for (let k = 0; k < K; k++) logp[i * K + k] = 1 / K;
      ll += w[i] * IMPOSSIBLE_ROW_LOG_LIKELIHOOD;
      continue;
    }
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(logp[i * K + k] - max);
      logp[i * K + k] = e;
      s += e;
    }
    for (let k = 0; k < K; k++) logp[i * K + k] /= s;
    ll += w[i] * (max + Math.log(s));
  }
  return ll;
}

/** One E-step: responsibilities and the weighted log-likelihood. */
export function eStep(state: EmState): (Float64Array | undefined)[][] {
  const { data, patterns, params } = state;
  const shift = driverShift(data, params, rowEffectSets(data, state.strata, params.group, params.k));
  const { logp, factors } = componentLogDensities(data, patterns, params, shift);
  excludeOtherSides(data, params, state.strata, logp);
  state.logLikelihood = normalise(logp, data.n, params.k, data.w);
  state.resp = logp;
  return factors;
}

/**
 * Score strata: a row cannot belong to a component of the other side (log density −∞). Categorical
 * strata need nothing here: their pure probabilities (0 or 1) already say so.
 */
function excludeOtherSides(
  data: EmData,
  params: EmParams,
  strata: readonly EmStratum[],
  logp: Float64Array,
): void {
  const K = params.k;
  const S = strata.length;
  strata.forEach((st, s) => {
    if (st.cat >= 0) return;
    for (let i = 0; i < data.n; i++) {
      const side = stratumSide(data, st, i);
      if (side < 0) continue;
      for (let k = 0; k < K; k++) {
        const g = params.group[k * S + s];
        if (g >= 0 && g !== side) logp[i * K + k] = -Infinity;
      }
    }
  });
}
