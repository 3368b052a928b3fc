import { UnsupportedSubgroupError } from '../errors';
import { normSf } from '../random';
import { describeConstraint } from '../schema';
import type { Constraint, Where } from '../schema';
import { gridInterval } from './branches';
import type { CompiledModel } from './compiled';
import { choleskyRobust, conditionGaussian, forwardSolveInPlace, inverseFromCholesky, subMatrix } from './linalg';
import { coreValue, satelliteFractionMass } from './plan';

/**
 * Conditioning on a whole record: many point values at once, exactly and without rejection.
 *
 * A point on a core continuous variable ("reported as v": the unrounded cell [v − h/2, v + h/2)) is
 * a z-interval of width w = zhi − zlo, a few thousandths of a standard deviation for a lab on its
 * reporting grid. Instead of adding one box coordinate per point (Genz masses over a lattice and
 * SIR draws, whose error grows with the number of coordinates), each point is conditioned on as the
 * z at the middle of its cell: per component the remaining core scores follow the conditional
 * normal N(μ_R + A(c − μ_P), Σ_RR − A Σ_PR) in closed form, and the component's weight is multiplied
 * by the normal density of the points, φ_Σ_PP(c − μ_P), times Π w (the cell's mass to first order;
 * the relative error is (z²−1)w²/24 per point, under 1e-4 for w ≤ 0.05). Driver effects (sex,
 * race/ethnicity shift the means) are exact too: when a point has one and the drivers are not all
 * fixed, each (component, driver configuration) becomes a component of its own.
 * The result is a model of the same layout with those points held, which the ordinary conditional
 * sampler then runs for everything else (categoricals, presence, ranges, satellites).
 * See: Bishop, Pattern Recognition and Machine Learning, §2.3.1 (conditional Gaussians), §9.2
 * (mixture posteriors); issue 14 §1.
 */

/** A cell wider than this (in z) is kept as a range (box coordinate): top-codes, coarse grids. */
export const POINT_Z_WIDTH_MAX = 0.25;
/** Below this many points the ordinary sampler is already exact (one box coordinate: inverse CDF). */
export const MIN_RECORD_POINTS = 2;

/** One point held exactly. */
export interface RecordPoint {
  readonly name: string;
  /** Core slot. */
  readonly slot: number;
  readonly value: number;
  /** z at the middle of the value's cell, and the cell's width. */
  readonly z: number;
  readonly width: number;
}

type Range = Extract<Constraint, { kind: 'range' }>;

/** The reported value of a one-cell range, or undefined when it spans several reported values. */
function pointValueOf(decimals: number | undefined, c: Range): { value: number; lo: number; hi: number } | undefined {
  if (decimals === undefined) return undefined;
  const iv = gridInterval(decimals, c);
  if (iv === undefined) return undefined;
  const step = 10 ** -decimals;
  if (!(iv.hi - iv.lo < step * 1.5)) return undefined;
  return { value: Math.round(((iv.lo + iv.hi) / 2) * 10 ** decimals) / 10 ** decimals, lo: iv.lo, hi: iv.hi };
}

/**
 * The ranges on capped satellites (ages at diagnosis) whose parent is held: given the parent's
 * value and score, P(satellite in range | class) is a univariate normal mass, folded into the
 * class weight (the sampler then draws the satellite truncated to the range, as always).
 */
function heldTilts(model: CompiledModel, where: Where, held: ReadonlyMap<number, RecordPoint>): { q: number; lo: number; hi: number; parent: RecordPoint }[] {
  const out: { q: number; lo: number; hi: number; parent: RecordPoint }[] = [];
  for (const [name, c] of where.constraints) {
    const s = model.layout.byName.get(name);
    if (s === undefined || s.role !== 'sat' || c.kind !== 'range') continue;
    const sat = model.sats[s.slot];
    const parent = held.get(sat.parent);
    if (parent === undefined) continue;
    const iv = gridInterval(sat.decimals, c);
    if (iv !== undefined) out.push({ q: s.slot, lo: iv.lo, hi: iv.hi, parent });
  }
  return out;
}

/**
 * The where's point constraints that can be held exactly (core continuous, one reporting cell,
 * narrow in z); the rest stay ordinary constraints. Throws UNSUPPORTED_SUBGROUP naming the
 * variables whose value lies outside the range the model was fitted on.
 */
export function recordPointsOf(model: CompiledModel, where: Where): RecordPoint[] {
  const points: RecordPoint[] = [];
  const outside: string[] = [];
  for (const [name, c] of where.constraints) {
    const s = model.layout.byName.get(name);
    if (s === undefined || s.role !== 'core' || c.kind !== 'range') continue;
    const core = model.core[s.slot];
    const p = pointValueOf(core.decimals, c);
    if (p === undefined) continue;
    const [lo, hi] = core.tr.support;
    if (p.hi <= lo || p.lo > hi) {
      outside.push(`${name} = ${p.value} (the model was fitted on ${lo} to ${hi})`);
      continue;
    }
    const [a, b] = core.tr.zBounds(p.lo, p.hi);
    if (!(Number.isFinite(a) && Number.isFinite(b)) || !(b - a <= POINT_Z_WIDTH_MAX) || !(b > a)) continue;
    const z = (a + b) / 2;
    if (Math.abs(coreValue(model, s.slot, z) - p.value) > 1e-9) continue;
    points.push({ name, slot: s.slot, value: p.value, z, width: b - a });
  }
  if (outside.length > 0) {
    throw new UnsupportedSubgroupError(
      'UNSUPPORTED_SUBGROUP',
      { where: outside.map((o) => o.split(' (')[0]).join(', '), support: `none: outside the model's support: ${outside.join('; ')}` },
      outside.map((o) => o.split(' ')[0]),
    );
  }
  return points;
}

/**
 * Survival function of χ²_m, exact in closed form: for even m, e^{−x/2} Σ_{i<m/2} (x/2)^i / i!;
 * for odd m, 2Φ̄(√x) + 2φ(√x) Σ_{i=1}^{(m−1)/2} x^{i−1/2} / (1·3···(2i−1)).
 * See: Abramowitz & Stegun 26.4.4-26.4.5.
 */
export function chiSquareSf(x: number, m: number): number {
  if (!(x > 0)) return 1;
  if (m % 2 === 0) {
    let term = Math.exp(-x / 2);
    let sum = term;
    for (let i = 1; i < m / 2; i++) {
      term *= x / 2 / i;
      sum += term;
    }
    return Math.min(1, sum);
  }
  const r = Math.sqrt(x);
  let term = r;
  let sum = 0;
  for (let i = 1; i <= (m - 1) / 2; i++) {
    if (i > 1) term *= x / (2 * i - 1);
    sum += term;
  }
  return Math.min(1, 2 * normSf(r) + 2 * (Math.exp(-x / 2) / Math.sqrt(2 * Math.PI)) * sum);
}

/** The driver configurations a where allows (cartesian product of allowed states). */
function allowedConfigs(model: CompiledModel, where: Where): Int16Array[] {
  let out: number[][] = [[]];
  for (const slot of model.driverCats) {
    const c = model.cats[slot];
    const constraint = where.constraints.get(c.name);
    const allowed: number[] = [];
    for (let s = 0; s < c.labels.length; s++) {
      if (constraint === undefined || (constraint.kind === 'set' && constraint.values.includes(c.labels[s]))) allowed.push(s);
    }
    out = out.flatMap((prefix) => allowed.map((s) => [...prefix, s]));
  }
  return out.map((x) => Int16Array.from(x));
}

/** A model conditioned on points, with what the support test and P(where) need. */
export interface PointConditioned {
  readonly compiled: CompiledModel;
  /** log of the factor pi was divided by (weights stay in floating range with 30 points). */
  readonly logScale: number;
  /** log Π w: the points' cell widths in z. */
  readonly logWidth: number;
  /** Largest χ² tail probability of the points over components of positive weight. */
  readonly bestTail: number;
  /** Points named by their standardised residual in the best component (largest first). */
  readonly culprits: readonly string[];
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Derives the model in which the points are held: same layout, components (or component × driver
 * configuration) reweighted by the points' density, core means and covariances conditioned.
 */
export function conditionOnPoints(model: CompiledModel, where: Where, points: readonly RecordPoint[]): PointConditioned {
  const { d, k: K } = model;
  const P = points.map((p) => p.slot);
  const m = P.length;
  const c = Float64Array.from(points, (p) => p.z);
  const expand = P.some((j) => model.hasEffect[j]);
  const configs: (Int16Array | undefined)[] = expand ? allowedConfigs(model, where) : [undefined];
  const F = model.features.length;
  const tilts = heldTilts(model, where, new Map(points.map((p) => [p.slot, p])));
  const band = model.band;
  const heldBand = band === undefined ? -1 : P.indexOf(band.dim);
  const logW: number[] = [];
  const source: { k: number; config: Int16Array | undefined; mean: Float64Array; tail: number; resid: Float64Array }[] = [];
  const covs: Float64Array[] = [];
  const chols: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    if (!(model.pi[k] > 0)) continue;
    const sigma = model.cov.subarray(k * d * d, (k + 1) * d * d);
    const cg = conditionGaussian(sigma, d, P);
    const r = cg.rest.length;
    const lP = choleskyRobust(subMatrix(sigma, d, P, P), m);
    let logDet = 0;
    for (let i = 0; i < m; i++) logDet += 2 * Math.log(lP[i * m + i]);
    const invP = inverseFromCholesky(lP, m);
    const restChol = r > 0 ? choleskyRobust(cg.covariance, r) : new Float64Array(0);
    const cov = new Float64Array(d * d);
    const chol = new Float64Array(d * d);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        cov[cg.rest[i] * d + cg.rest[j]] = cg.covariance[i * r + j];
        chol[cg.rest[i] * d + cg.rest[j]] = restChol[i * r + j];
      }
    }
    for (const config of configs) {
      const mean = Float64Array.from(model.mean.subarray(k * d, (k + 1) * d));
      let logPrior = Math.log(model.pi[k]);
      if (config !== undefined) {
        model.driverCats.forEach((slot, i) => {
          const cat = model.cats[slot];
          logPrior += Math.log(cat.probs[k * cat.states + config[i]]);
        });
        const effects = model.effectsOf[k];
        for (let q = 0; q < F; q++) {
          const f = model.features[q];
          if (config[model.driverCats.indexOf(f.cat)] !== f.state) continue;
          for (let j = 0; j < d; j++) mean[j] += effects[j * F + q];
        }
      }
      for (const t of tilts) logPrior += Math.log(satelliteFractionMass(model.sats[t.q], k, t.lo, t.hi, t.parent.value, t.parent.z));
      // A held point on a banded dim (age): the truncated density, 0 outside the band.
      if (heldBand >= 0 && band !== undefined) {
        if (!(c[heldBand] >= band.zlo[k] && c[heldBand] < band.zhi[k])) continue;
        logPrior -= Math.log(band.mass[k]);
      }
      if (!Number.isFinite(logPrior)) continue;
      const resid = Float64Array.from(P, (j, i) => c[i] - mean[j]);
      const y = Float64Array.from(resid);
      forwardSolveInPlace(lP, m, y);
      let d2 = 0;
      for (let i = 0; i < m; i++) d2 += y[i] * y[i];
      const out = Float64Array.from(mean);
      for (let i = 0; i < r; i++) {
        let s = mean[cg.rest[i]];
        for (let a = 0; a < m; a++) s += cg.regression[i * m + a] * resid[a];
        out[cg.rest[i]] = s;
      }
      P.forEach((j, i) => (out[j] = c[i]));
      // Standardised leave-one-out residuals: (Σ⁻¹ r)_j / √(Σ⁻¹)_jj.
      const std = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let a = 0; a < m; a++) s += invP[i * m + a] * resid[a];
        std[i] = s / Math.sqrt(invP[i * m + i]);
      }
      logW.push(logPrior - 0.5 * d2 - 0.5 * logDet - (m / 2) * LOG_2PI);
      source.push({ k, config, mean: out, tail: chiSquareSf(d2, m), resid: std });
      covs.push(cov);
      chols.push(chol);
    }
  }
  const logScale = logW.length > 0 ? Math.max(...logW) : 0;
  let best = -1;
  source.forEach((s, i) => {
    if (best < 0 || s.tail > source[best].tail) best = i;
  });
  const culprits =
    best < 0
      ? points.map((p) => p.name)
      : points
          .map((p, i) => ({ name: `${p.name} = ${p.value}`, e: Math.abs(source[best].resid[i]) }))
          .sort((a, b) => b.e - a.e)
          .slice(0, 3)
          .map((x) => `${x.name} (${x.e.toFixed(1)} SD from what the rest predict)`);
  const K2 = source.length;
  const pi = Float64Array.from(logW, (l) => Math.exp(l - logScale));
  const mean = new Float64Array(K2 * d);
  const cov = new Float64Array(K2 * d * d);
  const chol = new Float64Array(K2 * d * d);
  const presence = new Float64Array(K2 * d);
  source.forEach((s, i) => {
    mean.set(s.mean, i * d);
    cov.set(covs[i], i * d * d);
    chol.set(chols[i], i * d * d);
    presence.set(model.presence.subarray(s.k * d, (s.k + 1) * d), i * d);
  });
  const cats = model.cats.map((cat, slot) => {
    const probs = new Float64Array(K2 * cat.states);
    const driver = model.driverCats.indexOf(slot);
    source.forEach((s, i) => {
      if (driver >= 0 && s.config !== undefined) probs[i * cat.states + s.config[driver]] = 1;
      else probs.set(cat.probs.subarray(s.k * cat.states, (s.k + 1) * cat.states), i * cat.states);
    });
    return { ...cat, probs };
  });
  const pick = (a: Float64Array): Float64Array => Float64Array.from(source, (s) => a[s.k]);
  const sats = model.sats.map((sat) => ({ ...sat, presence: pick(sat.presence), mean: pick(sat.mean), sd: pick(sat.sd), slope: pick(sat.slope) }));
  const zero = new Float64Array(d * F);
  const compiled: CompiledModel = {
    ...model,
    k: K2,
    pi,
    cats,
    presence,
    mean,
    cov,
    chol,
    effects: expand ? zero : model.effects,
    effectsOf: source.map((s) => (expand ? zero : model.effectsOf[s.k])),
    hasEffect: expand ? model.hasEffect.map(() => false) : model.hasEffect,
    sats,
    band:
      band === undefined
        ? undefined
        : { dim: band.dim, zlo: pick(band.zlo), zhi: pick(band.zhi), mass: pick(band.mass), conditioned: true },
  };
  return {
    compiled,
    logScale,
    logWidth: points.reduce((a, p) => a + Math.log(p.width), 0),
    bestTail: best < 0 ? 0 : source[best].tail,
    culprits,
  };
}

/** Throws UNSUPPORTED_SUBGROUP when no component places the points inside its central 1 − floor. */
export function checkPointSupport(conditioned: PointConditioned, points: readonly RecordPoint[], floor: number): void {
  if (conditioned.bestTail >= floor) return;
  throw new UnsupportedSubgroupError(
    'UNSUPPORTED_SUBGROUP',
    {
      where: points.map((p) => describeConstraint(p.name, { kind: 'range', lo: p.value, hi: p.value, loInclusive: true, hiInclusive: true })).join(', '),
      support: `none: no class of the model holds these values together (best χ² tail ${conditioned.bestTail.toPrecision(2)} < ${floor}); most at odds: ${conditioned.culprits.join('; ')}`,
    },
    conditioned.culprits.map((x) => x.split(' ')[0]),
  );
}
