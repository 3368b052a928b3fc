import { NOT_APPLICABLE } from './em-types';
import type { EmData, EmParams, EmStratum } from './em-types';
import { componentEffectSets, rowEffectSets, stratumSide } from './em-strata';
import { driverShift } from './em-estep';
import type { Pattern } from './em-estep';
import { EFFECT_SETS, accumulateCore, sparsify, updateEffects } from './em-core-stats';
import type { SparseResp } from './em-core-stats';

/**
 * The M-step of EM (em.ts), one function per block of parameters: component masses, categorical
 * probabilities, presence probabilities, satellites (a ridge regression on the parent's score),
 * the core Gaussian (expected sufficient statistics), then the driver effects (the ECM step).
 */

/** Dirichlet pseudo-records pulling component category probabilities toward the marginal. */
export const CATEGORY_PRIOR_RECORDS = 1;
/** Beta pseudo-records for presence probabilities. */
export const PRESENCE_PRIOR_RECORDS = 1;
/** Pseudo-records of the covariance prior (toward the identity: scores are N(0,1) marginally). */
export const COVARIANCE_PRIOR_RECORDS = 2;
/** Pseudo-records of the satellite prior N(0, 1). */
export const SATELLITE_PRIOR_RECORDS = 2;

/** The M-step (with the E-step's Cholesky factors for the conditional expectations). */
export function mStep(
  data: EmData,
  patterns: readonly Pattern[],
  resp: Float64Array,
  K: number,
  previous: EmParams | undefined,
  factors: (Float64Array | undefined)[][] | undefined,
  group: Int8Array,
  strata: readonly EmStratum[],
): EmParams {
  const { n, w } = data;
  const F = data.nFeatures;
  const rowSet = rowEffectSets(data, strata, group, K);
  const sets = rowSet.includes(1) ? EFFECT_SETS : 1;
  const effects = previous?.effects ?? new Float64Array(2 * data.core.d * F);
  const shift =
    previous === undefined ? new Float64Array(n * data.core.d) : driverShift(data, previous, rowSet);
  const sp = sparsify(resp, w, n, K);
  const { mass, pi } = componentMasses(sp, K);
  const catProbs = categoricalProbs(data, sp, K, group, strata);
  const corePresence = corePresenceProbs(data, sp, K);
  const { satPresence, satMean, satSd, satSlope } = satelliteParams(data, sp, K);
  const { mean, cov } = coreGaussian(data, patterns, resp, K, shift, previous, factors, mass, bandPriorScales(data, K, group, strata));
  const newEffects = F > 0 ? updateEffects(data, sp, mean, rowSet, sets) : effects;
  const effectSet = componentEffectSets(strata, group, K);
  return {
    k: K,
    pi,
    catProbs,
    corePresence,
    mean,
    cov,
    effects: newEffects,
    effectSet,
    satPresence,
    satMean,
    satSd,
    satSlope,
    group,
  };
}

/**
 * K × d scales of the covariance prior's diagonal (1 but for banded dims): a component pure in a
 * band of a score (age 40-49) has a within-band variance of a few thousandths, which the identity
 * prior's COVARIANCE_PRIOR_RECORDS would swamp (and with it the regression of the other scores on
 * age); its prior is the band rows' own weighted variance instead. Undefined without bands.
 */
function bandPriorScales(data: EmData, K: number, group: Int8Array, strata: readonly EmStratum[]): Float64Array | undefined {
  const S = strata.length;
  const d = data.core.d;
  let out: Float64Array | undefined;
  strata.forEach((st, s) => {
    if (st.cat >= 0 || st.valueRange === undefined) return;
    const j = st.dim ?? 0;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    for (let i = 0; i < data.n; i++) {
      if (stratumSide(data, st, i) !== 1) continue;
      const z = data.core.z[i * d + j];
      w0 += data.w[i];
      w1 += data.w[i] * z;
      w2 += data.w[i] * z * z;
    }
    if (!(w0 > 0)) return;
    const variance = Math.max(1e-6, w2 / w0 - (w1 / w0) ** 2);
    out ??= new Float64Array(K * d).fill(1);
    for (let k = 0; k < K; k++) if (group[k * S + s] === 1) out[k * d + j] = variance;
  });
  return out;
}

/** Component masses Σ_i r_ik w_i and mixing proportions. */
function componentMasses(sp: SparseResp, K: number): { mass: Float64Array; pi: Float64Array } {
  const mass = new Float64Array(K);
  for (let t = 0; t < sp.comp.length; t++) mass[sp.comp[t]] += sp.rw[t];
  let total = 0;
  for (let k = 0; k < K; k++) total += mass[k];
  const pi = mass.map((m) => m / total);
  return { mass, pi };
}

/** Category probabilities per component (Dirichlet prior toward the marginal; strata pure). */
function categoricalProbs(
  data: EmData,
  sp: SparseResp,
  K: number,
  group: Int8Array,
  strata: readonly EmStratum[],
): Float64Array[] {
  const { n, w } = data;
  return data.cats.map((c, v) => {
    const s = c.states;
    const si = strata.findIndex((st) => st.cat === v);
    const pure = si >= 0 ? strata[si].state : -1;
    const S = strata.length;
    const counts = new Float64Array(K * s);
    const marginal = new Float64Array(s);
    for (let i = 0; i < n; i++) {
      const x = c.x[i];
      if (x === NOT_APPLICABLE) continue;
      marginal[x] += w[i];
      for (let t = sp.start[i]; t < sp.start[i + 1]; t++) counts[sp.comp[t] * s + x] += sp.rw[t];
    }
    let mt = 0;
    for (let x = 0; x < s; x++) mt += marginal[x];
    const probs = new Float64Array(K * s);
    for (let k = 0; k < K; k++) {
      let rowTotal = 0;
      for (let x = 0; x < s; x++) {
        const prior = c.suppressed[x] === 1 || mt === 0 ? 0 : (CATEGORY_PRIOR_RECORDS * marginal[x]) / mt;
        let v = c.suppressed[x] === 1 ? 0 : counts[k * s + x] + prior;
        // Strata: pure components put all mass on the state, the others none.
        const g = pure >= 0 ? group[k * S + si] : -1;
        if (g >= 0) v = g === 1 ? (x === pure ? 1 : 0) : x === pure ? 0 : v;
        probs[k * s + x] = v;
        rowTotal += v;
      }
      for (let x = 0; x < s; x++) probs[k * s + x] = rowTotal > 0 ? probs[k * s + x] / rowTotal : 1 / s;
    }
    return probs;
  });
}

/** P(present | applicable) per component and core dimension (shared or suppressed where set). */
function corePresenceProbs(data: EmData, sp: SparseResp, K: number): Float64Array {
  const { n, w } = data;
  const { d, presence } = data.core;
  const corePresence = new Float64Array(K * d);
  {
    const present = new Float64Array(K * d);
    const applicable = new Float64Array(K * d);
    const gPresent = new Float64Array(d);
    const gApplicable = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const p = presence[i * d + j];
        if (p === NOT_APPLICABLE) continue;
        gApplicable[j] += w[i];
        if (p === 1) gPresent[j] += w[i];
        for (let t = sp.start[i]; t < sp.start[i + 1]; t++) {
          const kj = sp.comp[t] * d + j;
          applicable[kj] += sp.rw[t];
          if (p === 1) present[kj] += sp.rw[t];
        }
      }
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        const g = gApplicable[j] > 0 ? gPresent[j] / gApplicable[j] : 1;
        const v =
          (present[k * d + j] + PRESENCE_PRIOR_RECORDS * g) /
          (applicable[k * d + j] + PRESENCE_PRIOR_RECORDS);
        const shared = data.core.sharedPresence[j] === 1 ? g : v;
        corePresence[k * d + j] = data.core.missingSuppressed[j] === 1 ? 1 : clampProb(shared);
      }
    }
  }
  return corePresence;
}

/** Satellite parameters per component: presence, intercept, slope on the parent's score, sd. */
function satelliteParams(
  data: EmData,
  sp: SparseResp,
  K: number,
): { satPresence: Float64Array[]; satMean: Float64Array[]; satSd: Float64Array[]; satSlope: Float64Array[] } {
  const { n, w } = data;
  const { d } = data.core;
  const satPresence: Float64Array[] = [];
  const satMean: Float64Array[] = [];
  const satSd: Float64Array[] = [];
  const satSlope: Float64Array[] = [];
  for (const s of data.sats) {
    const pres = new Float64Array(K);
    const app = new Float64Array(K);
    const s1 = new Float64Array(K);
    const s2 = new Float64Array(K);
    const sx = new Float64Array(K);
    const sxx = new Float64Array(K);
    const sxy = new Float64Array(K);
    const pd = s.parentDim;
    let gp = 0;
    let ga = 0;
    for (let i = 0; i < n; i++) {
      const p = s.presence[i];
      if (p === NOT_APPLICABLE) continue;
      ga += w[i];
      if (p === 1) gp += w[i];
      for (let t = sp.start[i]; t < sp.start[i + 1]; t++) {
        const k = sp.comp[t];
        const r = sp.rw[t];
        app[k] += r;
        if (p === 1) {
          pres[k] += r;
          s1[k] += r * s.z[i];
          s2[k] += r * s.z[i] * s.z[i];
          const zp = pd >= 0 ? data.core.z[i * d + pd] : NaN;
          if (!Number.isNaN(zp)) {
            sx[k] += r * zp;
            sxx[k] += r * zp * zp;
            sxy[k] += r * zp * s.z[i];
          }
        }
      }
    }
    const g = ga > 0 ? gp / ga : 1;
    const pr = new Float64Array(K);
    const mu = new Float64Array(K);
    const sd = new Float64Array(K);
    const slope = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      pr[k] = s.missingSuppressed
        ? 1
        : clampProb((pres[k] + PRESENCE_PRIOR_RECORDS * g) / (app[k] + PRESENCE_PRIOR_RECORDS));
      // Weighted ridge regression z = a + b z_parent (b shrunk to 0 by SATELLITE_PRIOR_RECORDS).
      const n0 = pres[k];
      let b = 0;
      if (pd >= 0 && n0 > 0) {
        const cxx = sxx[k] - (sx[k] * sx[k]) / n0;
        const cxy = sxy[k] - (sx[k] * s1[k]) / n0;
        b = cxy / (cxx + SATELLITE_PRIOR_RECORDS);
      }
      const a = (s1[k] - b * sx[k]) / (n0 + SATELLITE_PRIOR_RECORDS);
      mu[k] = a;
      slope[k] = b;
      // Residual sum of squares plus the prior N(0, 1) as SATELLITE_PRIOR_RECORDS pseudo-records.
      const rss = s2[k] - 2 * a * s1[k] - 2 * b * sxy[k] + a * a * n0 + 2 * a * b * sx[k] + b * b * sxx[k];
      const v = (rss + SATELLITE_PRIOR_RECORDS * (1 + a * a)) / (n0 + SATELLITE_PRIOR_RECORDS);
      sd[k] = Math.sqrt(Math.max(v, 1e-4));
    }
    satPresence.push(pr);
    satMean.push(mu);
    satSd.push(sd);
    satSlope.push(slope);
  }
  return { satPresence, satMean, satSd, satSlope };
}

/** Core Gaussian means and covariances (expected sufficient statistics plus the covariance prior). */
function coreGaussian(
  data: EmData,
  patterns: readonly Pattern[],
  resp: Float64Array,
  K: number,
  shift: Float64Array,
  previous: EmParams | undefined,
  factors: (Float64Array | undefined)[][] | undefined,
  mass: Float64Array,
  priorScale: Float64Array | undefined,
): { mean: Float64Array; cov: Float64Array } {
  const { d } = data.core;
  const s1 = new Float64Array(K * d);
  const s2 = new Float64Array(K * d * d);
  patterns.forEach((pat, pIdx) => {
    accumulateCore(pat, data, resp, K, shift, previous, factors?.[pIdx], s1, s2);
  });
  const mean = new Float64Array(K * d);
  const cov = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    const mk = mass[k];
    const denom = mk + COVARIANCE_PRIOR_RECORDS;
    for (let a = 0; a < d; a++) mean[k * d + a] = mk > 0 ? s1[k * d + a] / mk : 0;
    for (let a = 0; a < d; a++) {
      for (let c = 0; c <= a; c++) {
        const ml = mk > 0 ? s2[k * d * d + a * d + c] - mk * mean[k * d + a] * mean[k * d + c] : 0;
        const v = (ml + (a === c ? COVARIANCE_PRIOR_RECORDS * (priorScale?.[k * d + a] ?? 1) : 0)) / denom;
        cov[k * d * d + a * d + c] = v;
        cov[k * d * d + c * d + a] = v;
      }
    }
  }
  return { mean, cov };
}

function clampProb(p: number): number {
  return Math.min(1 - 1e-9, Math.max(1e-9, p));
}
