import { isApplicable } from '../schema';
import type { Row } from '../schema';
import { choleskyRobust, logDetFromCholesky } from './linalg';
import type { Model } from './model';

const LOG_2PI = Math.log(2 * Math.PI);

interface PatternFactors {
  readonly obs: Int32Array;
  /** Per component: Cholesky of Σ_k,oo and its log-determinant. */
  readonly chol: Float64Array[];
  readonly logDet: Float64Array;
}

function factorsFor(model: Model, obs: number[]): PatternFactors {
  const key = `density:${obs.join(',')}`;
  const cached = model.samplerCache.get(key) as PatternFactors | undefined;
  if (cached !== undefined) return cached;
  const c = model.compiled;
  const { d } = c;
  const o = obs.length;
  const chol: Float64Array[] = [];
  const logDet = new Float64Array(c.k);
  for (let k = 0; k < c.k; k++) {
    const sub = new Float64Array(o * o);
    for (let a = 0; a < o; a++) for (let b = 0; b < o; b++) sub[a * o + b] = c.cov[k * d * d + obs[a] * d + obs[b]];
    const l = o > 0 ? choleskyRobust(sub, o) : sub;
    chol.push(l);
    logDet[k] = o > 0 ? logDetFromCholesky(l, o) : 0;
  }
  const out: PatternFactors = { obs: Int32Array.from(obs), chol, logDet };
  model.samplerCache.set(key, out);
  return out;
}

/** Values beyond a transform's support (its end groups are mean-preserving, narrower than the
 * data) are scored at the nearest end: a density floor for the attack, not a fitted quantity. */
function clampTo(support: readonly [number, number], t: number): number {
  const lo = support[0];
  const hi = support[1];
  // Just inside, so the end interval's slope applies.
  const eps = (hi - lo) * 1e-9;
  return t <= lo ? lo + eps : t >= hi ? hi - eps : t;
}

function someAbove(a: Float64Array, stride: number, offset: number, x: number): boolean {
  for (let i = offset; i < a.length; i += stride) if (a[i] > x) return true;
  return false;
}

function someBelow(a: Float64Array, stride: number, offset: number, x: number): boolean {
  for (let i = offset; i < a.length; i += stride) if (a[i] < x) return true;
  return false;
}

/**
 * log p(row) under the model, with numbers measured in their reported units (a density for
 * numeric values, a probability for categories; not-applicable values contribute nothing). For the
 * evaluation's likelihood membership-inference attack. Rows the model cannot produce (a
 * suppressed category, a value outside a transform's support) score −Infinity.
 */
export function logDensity(model: Model, row: Row): number {
  const c = model.compiled;
  const { d, k: K, layout } = c;
  const terms = Float64Array.from(c.pi, (p) => Math.log(p));
  let jacobian = 0;
  // Categoricals (drivers' states feed the mean shift).
  const state = new Int16Array(c.cats.length).fill(-1);
  layout.cats.forEach((s, i) => {
    if (!isApplicable(s.variable, row)) return;
    const cat = c.cats[i];
    const v = row[s.variable.name];
    // A missing value the fit suppressed (fewer than k) was dropped from the likelihood: skip it.
    if (v === undefined && !someAbove(cat.probs, cat.states, cat.states - 1, 0)) return;
    const st = v === undefined ? cat.states - 1 : (cat.stateOf.get(String(v)) ?? -2);
    state[i] = st;
    for (let k = 0; k < K; k++) terms[k] += st < 0 ? -Infinity : Math.log(cat.probs[k * cat.states + st]);
  });
  // Core: presence, then the Gaussian over observed scores.
  const obs: number[] = [];
  const z: number[] = [];
  layout.core.forEach((s, j) => {
    if (!isApplicable(s.variable, row)) return;
    const v = row[s.variable.name];
    const present = typeof v === 'number';
    if (!present && !someBelow(c.presence, d, j, 1)) return;
    for (let k = 0; k < K; k++) {
      const p = c.presence[k * d + j];
      terms[k] += Math.log(present ? p : 1 - p);
    }
    if (!present) return;
    const tr = c.core[j].tr;
    const t = clampTo(tr.support, v);
    obs.push(j);
    z.push(tr.forward(t));
    jacobian += tr.logJacobian(t);
    // A banded component's score on its band dim is truncated to the band: density / P(band).
    const band = c.band;
    if (band !== undefined && j === band.dim) {
      const zj = z[z.length - 1];
      for (let k = 0; k < K; k++) terms[k] += zj >= band.zlo[k] && zj < band.zhi[k] ? -Math.log(band.mass[k]) : -Infinity;
    }
  });
  const F = c.features.length;
  // One shift per distinct effect matrix (components share them).
  const shifts = new Map<Float64Array, Float64Array>();
  for (const effects of c.effectsOf) {
    if (shifts.has(effects)) continue;
    const shift = new Float64Array(d);
    for (let q = 0; q < F; q++) {
      const f = c.features[q];
      if (state[f.cat] !== f.state) continue;
      for (let j = 0; j < d; j++) shift[j] += effects[j * F + q];
    }
    shifts.set(effects, shift);
  }
  if (obs.length > 0) {
    const pf = factorsFor(model, obs);
    const o = obs.length;
    const y = new Float64Array(o);
    for (let k = 0; k < K; k++) {
      const shift = shifts.get(c.effectsOf[k])!;
      const l = pf.chol[k];
      let quad = 0;
      for (let a = 0; a < o; a++) {
        let s = z[a] - c.mean[k * d + obs[a]] - shift[obs[a]];
        for (let b = 0; b < a; b++) s -= l[a * o + b] * y[b];
        s /= l[a * o + a];
        y[a] = s;
        quad += s * s;
      }
      terms[k] += -0.5 * (o * LOG_2PI + pf.logDet[k] + quad);
    }
  }
  // Satellites: presence and a univariate normal; capped ones measured as value = fraction·parent.
  layout.sats.forEach((s, q) => {
    if (!isApplicable(s.variable, row)) return;
    const sat = c.sats[q];
    const v = row[s.variable.name];
    const present = typeof v === 'number';
    if (!present && !someBelow(sat.presence, 1, 0, 1)) return;
    let zs = 0;
    if (present) {
      let t = v;
      if (sat.parent >= 0) {
        const parent = row[c.core[sat.parent].name];
        if (typeof parent !== 'number' || parent <= 0) return;
        t = Math.min(1, Math.max(0, v / parent));
        jacobian -= Math.log(parent);
      }
      t = clampTo(sat.tr.support, t);
      zs = sat.tr.forward(t);
      jacobian += sat.tr.logJacobian(t);
    }
    const parentValue = sat.parent >= 0 ? row[c.core[sat.parent].name] : undefined;
    const zParent = typeof parentValue === 'number' ? c.core[sat.parent].tr.forward(parentValue) : 0;
    for (let k = 0; k < K; k++) {
      if (!present) terms[k] += Math.log(1 - sat.presence[k]);
      else {
        const u = (zs - sat.mean[k] - sat.slope[k] * zParent) / sat.sd[k];
        terms[k] += Math.log(sat.presence[k]) - 0.5 * (LOG_2PI + u * u) - Math.log(sat.sd[k]);
      }
    }
  });
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (terms[k] > max) max = terms[k];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(terms[k] - max);
  return max + Math.log(sum) + jacobian;
}
