import { plausibilityRulesFor, roundTo } from '../schema';
import type { Branch } from './branches';
import type { CompiledModel } from './compiled';
import { choleskyRobust, conditionGaussian } from './linalg';
import { boxProbability, latticePoints } from './mvn-box';
import type { Box, Tilt } from './mvn-box';
import { normalIntervalMass } from './truncated-normal';

/**
 * A resolved branch compiled for one model: what is fixed for each variable, the z-space box of
 * range-constrained core scores, and the satellites whose range depends on their parent (tilts).
 */
export const FREE = 0;
export const NA = 1;
export const MISSING = 2;
export const PRESENT = 3;

/** Lattice points for box probabilities of two or more constrained coordinates. */
export const BOX_LATTICE_POINTS = 256;

export interface Plan {
  /** Per categorical slot: undefined (free), null (not applicable) or allowed states. */
  readonly catMask: readonly (Uint8Array | null | undefined)[];
  readonly coreKind: Int8Array;
  /** z-space bounds of present core values (±Infinity when unbounded). */
  readonly zlo: Float64Array;
  readonly zhi: Float64Array;
  /** Reported-value bounds for clamping after rounding (±Infinity when unbounded). */
  readonly vlo: Float64Array;
  readonly vhi: Float64Array;
  /** Core dims with a finite z bound, plus tilt parents; the box. */
  readonly boxDims: Int32Array;
  /**
   * Core dims the plausibility support must not move (support.ts): the box, plus the points a
   * record sampler holds (record-sampler.ts), whose conditional variance is 0.
   */
  readonly fixedDims: Int32Array;
  readonly satKind: Int8Array;
  /** Non-parent satellites: z bounds; capped satellites: unrounded value bounds. */
  readonly satLo: Float64Array;
  readonly satHi: Float64Array;
  readonly satVlo: Float64Array;
  readonly satVhi: Float64Array;
  /** Capped satellites whose value range depends on the parent draw. */
  readonly tilts: Int32Array;
  /** Whether cells must enumerate driver configurations (a box dim has driver effects). */
  readonly needConfigs: boolean;
  /**
   * Per categorical slot: the states it may take because the where fixes the label of a
   * `requires` rule (insulin_now = yes ⇒ diabetes_dx ∈ {yes, borderline}); undefined: free. The
   * cells weigh each class by that mass and the draw keeps to it (the rule's lab clauses are not
   * used: a conditioned row always carries the diagnosis; 3 real insulin users in 9,971 have
   * diabetic labs without one).
   */
  readonly requiredMask: readonly (Uint8Array | undefined)[];
}

/** The states a where's fixed `requires` labels leave to the categoricals their rules name. */
function requiredMasks(model: CompiledModel, catMask: readonly (Uint8Array | null | undefined)[]): (Uint8Array | undefined)[] {
  const out: (Uint8Array | undefined)[] = model.cats.map(() => undefined);
  for (const rule of plausibilityRulesFor(model.schema)) {
    if (rule.kind !== 'requires') continue;
    const v = model.layout.byName.get(rule.variable);
    if (v === undefined || v.role !== 'cat') continue;
    const mask = catMask[v.slot];
    const state = model.cats[v.slot].stateOf.get(rule.label);
    // Only when the where leaves the rule's label as the one possible state.
    if (mask === undefined || mask === null || state === undefined || mask[state] !== 1) continue;
    if (mask.some((x, s) => x === 1 && s !== state)) continue;
    // The rule's categorical clauses, all on one variable (else left to the support, support.ts).
    const slots = new Set(rule.anyOf.filter((c) => c.label !== undefined).map((c) => model.layout.byName.get(c.variable)));
    if (slots.size !== 1) continue;
    const g = [...slots][0];
    if (g === undefined || g.role !== 'cat' || catMask[g.slot] !== undefined) continue;
    const c = model.cats[g.slot];
    const allowed = new Uint8Array(c.states);
    for (const cl of rule.anyOf) {
      const st = cl.label === undefined ? undefined : c.stateOf.get(cl.label);
      if (st !== undefined) allowed[st] = 1;
    }
    out[g.slot] = allowed;
  }
  return out;
}



function gridBounds(step: number, decimals: number | undefined, lo: number, hi: number): [number, number] {
  if (step <= 0 || decimals === undefined) return [lo, hi];
  return [lo === -Infinity ? -Infinity : roundTo(lo + step / 2, decimals), hi === Infinity ? Infinity : roundTo(hi - step / 2, decimals)];
}

/** Compiles one branch. */
export function compilePlan(model: CompiledModel, branch: Branch): Plan {
  const { layout, d } = model;
  const catMask: (Uint8Array | null | undefined)[] = model.cats.map(() => undefined);
  const coreKind = new Int8Array(d);
  const zlo = new Float64Array(d).fill(-Infinity);
  const zhi = new Float64Array(d).fill(Infinity);
  const vlo = new Float64Array(d).fill(-Infinity);
  const vhi = new Float64Array(d).fill(Infinity);
  const nS = model.sats.length;
  const satKind = new Int8Array(nS);
  const satLo = new Float64Array(nS).fill(-Infinity);
  const satHi = new Float64Array(nS).fill(Infinity);
  const satVlo = new Float64Array(nS).fill(-Infinity);
  const satVhi = new Float64Array(nS).fill(Infinity);
  const box = new Set<number>();
  const tilts: number[] = [];
  for (const [index, dom] of branch) {
    const s = layout.slots[index];
    if (dom.kind === 'cat') {
      const na = dom.mask[dom.mask.length - 1] === 1;
      catMask[s.slot] = na ? null : dom.mask.subarray(0, dom.mask.length - 1);
      continue;
    }
    const kind = dom.na ? NA : dom.missing ? MISSING : PRESENT;
    const [lo, hi] = dom.intervals[0] ?? [-Infinity, Infinity];
    if (s.role === 'core') {
      coreKind[s.slot] = kind;
      if (kind !== PRESENT) continue;
      const c = model.core[s.slot];
      const [a, b] = c.tr.zBounds(lo, hi);
      zlo[s.slot] = a;
      zhi[s.slot] = b;
      [vlo[s.slot], vhi[s.slot]] = gridBounds(c.step, c.decimals, lo, hi);
      if (a > -Infinity || b < Infinity) box.add(s.slot);
    } else {
      satKind[s.slot] = kind;
      if (kind !== PRESENT) continue;
      const sat = model.sats[s.slot];
      [satVlo[s.slot], satVhi[s.slot]] = gridBounds(sat.step, sat.decimals, lo, hi);
      if (sat.parent >= 0) {
        satLo[s.slot] = lo;
        satHi[s.slot] = hi;
        if (lo > -Infinity || hi < Infinity) {
          tilts.push(s.slot);
          box.add(sat.parent);
        }
      } else {
        [satLo[s.slot], satHi[s.slot]] = sat.tr.zBounds(lo, hi);
      }
    }
  }
  // Banded components (age bands): their band dim is drawn in the box (exactly truncated to the
  // band, and weighed by P(box ∩ band) / P(band)) unless nothing else is, where the sampler
  // truncates the first Cholesky coordinate directly (the band dim must be it).
  const band = model.band;
  if (band !== undefined && (box.size > 0 || band.dim !== 0 || band.conditioned)) box.add(band.dim);
  const boxDims = Int32Array.from([...box].sort((a, b) => a - b));
  const needConfigs = [...boxDims].some((j) => model.hasEffect[j]);
  const requiredMask = requiredMasks(model, catMask);
  return { catMask, coreKind, zlo, zhi, vlo, vhi, boxDims, fixedDims: boxDims, satKind, satLo, satHi, satVlo, satVhi, tilts: Int32Array.from(tilts), needConfigs, requiredMask };
}

/** Per (plan, component) conditioning structures, computed once per sampler. */
export interface ComponentPlan {
  /** Cholesky of Σ_CC (box dims). */
  readonly boxChol: Float64Array;
  /** Rest dims and regression on the box dims; Cholesky of the conditional covariance. */
  readonly rest: Int32Array;
  readonly regression: Float64Array;
  readonly restChol: Float64Array;
}

export function componentPlan(model: CompiledModel, plan: Plan, k: number): ComponentPlan {
  const { d } = model;
  const sigma = model.cov.subarray(k * d * d, (k + 1) * d * d);
  const given = [...plan.boxDims];
  const m = given.length;
  const boxSigma = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) boxSigma[a * m + b] = sigma[given[a] * d + given[b]];
  const cg = conditionGaussian(sigma, d, given);
  return {
    boxChol: m > 0 ? choleskyRobust(boxSigma, m) : new Float64Array(0),
    rest: Int32Array.from(cg.rest),
    regression: cg.regression,
    restChol: cg.rest.length > 0 ? choleskyRobust(cg.covariance, cg.rest.length) : new Float64Array(0),
  };
}

/** The box of a plan for a component, given the full mean vector (μ_k + B f). */
export function boxOf(model: CompiledModel, plan: Plan, cp: ComponentPlan, mean: Float64Array, k: number): Box {
  const m = plan.boxDims.length;
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);
  const mu = new Float64Array(m);
  boxBounds(model, plan, k, lo, hi);
  for (let a = 0; a < m; a++) mu[a] = mean[plan.boxDims[a]];
  return { m, mean: mu, chol: cp.boxChol, lo, hi };
}

/** The box's z bounds for component k: the plan's, intersected with the component's band. */
export function boxBounds(model: CompiledModel, plan: Plan, k: number, lo: Float64Array, hi: Float64Array): void {
  const band = model.band;
  for (let a = 0; a < plan.boxDims.length; a++) {
    const j = plan.boxDims[a];
    lo[a] = plan.zlo[j];
    hi[a] = plan.zhi[j];
    if (band !== undefined && j === band.dim) {
      if (band.zlo[k] > lo[a]) lo[a] = band.zlo[k];
      if (band.zhi[k] < hi[a]) hi[a] = band.zhi[k];
      if (!(lo[a] < hi[a])) hi[a] = lo[a];
    }
  }
}

/** 1 / P(band) of component k when its band dim is in the plan's box (else 1). */
export function bandFactor(model: CompiledModel, plan: Plan, k: number): number {
  const band = model.band;
  if (band === undefined || plan.boxDims.indexOf(band.dim) < 0) return 1;
  return band.mass[k] > 0 ? 1 / band.mass[k] : 0;
}

/** Reported value of a core score (rounded, clamped to bounds). */
export function coreValue(model: CompiledModel, j: number, z: number): number {
  const c = model.core[j];
  const t = c.tr.inverse(z);
  let v = c.scale > 0 ? roundScaled(t, c.scale) : t;
  if (v < c.min) v = c.min;
  if (v > c.max) v = c.max;
  return v;
}

/**
 * The tilt of a plan for component k: for each capped satellite with a range, the probability that
 * its fraction lands in [lo/parent, hi/parent) given the parent's reported value.
 */
export function tiltOf(model: CompiledModel, plan: Plan, k: number): Tilt | undefined {
  if (plan.tilts.length === 0) return undefined;
  const boxIndex = new Map<number, number>();
  plan.boxDims.forEach((j, a) => boxIndex.set(j, a));
  const items = [...plan.tilts].map((q) => {
    const sat = model.sats[q];
    return { q, a: boxIndex.get(sat.parent)!, parent: sat.parent, sat };
  });
  return (z: Float64Array): number => {
    let w = 1;
    for (const it of items) {
      const parentValue = coreValue(model, it.parent, z[it.a]);
      w *= satelliteFractionMass(it.sat, k, plan.satLo[it.q], plan.satHi[it.q], parentValue, z[it.a]);
      if (w === 0) return 0;
    }
    return w;
  };
}

/** P(fraction·parent ∈ [lo, hi)) for a capped satellite in component k. */
export function satelliteFractionMass(
  sat: CompiledModel['sats'][number],
  k: number,
  lo: number,
  hi: number,
  parent: number,
  parentScore: number,
): number {
  const [a, b] = fractionZBounds(sat, lo, hi, parent);
  const mu = sat.mean[k] + sat.slope[k] * parentScore;
  return normalIntervalMass((a - mu) / sat.sd[k], (b - mu) / sat.sd[k]);
}

/** z bounds of the fraction for value range [lo, hi) given the parent's value. */
export function fractionZBounds(sat: CompiledModel['sats'][number], lo: number, hi: number, parent: number): [number, number] {
  if (!(parent > 0)) return lo <= 0 && hi > 0 ? [-Infinity, Infinity] : [0, 0];
  const a = lo / parent;
  const b = hi / parent;
  return sat.tr.zBounds(a <= 0 ? -Infinity : a, b >= 1 ? Infinity : b);
}

/** The lattice for box masses (dimension 16 covers any realistic box; coordinates wrap beyond). */
const LATTICE = latticePoints(BOX_LATTICE_POINTS, 16);

/** P(box, tilts | component, mean): exact for one bounded coordinate without tilt. */
export function boxMass(model: CompiledModel, plan: Plan, cp: ComponentPlan, mean: Float64Array, k: number): number {
  if (plan.boxDims.length === 0) return 1;
  const box = boxOf(model, plan, cp, mean, k);
  for (let a = 0; a < box.m; a++) if (!(box.lo[a] < box.hi[a])) return 0;
  return boxProbability(box, LATTICE, BOX_LATTICE_POINTS, tiltOf(model, plan, k)) * bandFactor(model, plan, k);
}

/** x rounded half-up to the grid 1/scale (scale = 10^decimals), as schema roundTo; no −0. */
export function roundScaled(x: number, scale: number): number {
  const r = Math.round(x * scale) / scale;
  return r === 0 ? 0 : r;
}
