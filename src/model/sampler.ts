import { UnsupportedSubgroupError } from '../errors';
import { truncatedStandardNormal } from '../random';
import { fastStandardNormal as standardNormal } from './fast-normal';
import type { Rng } from '../random';
import { derivedValue, roundTo } from '../schema';
import type { Row, Value, Where } from '../schema';
import type { Branch, ClauseDoms } from './branches';
import type { CompiledBand, CompiledModel } from './compiled';
import { lowerMultiply } from './linalg';
import { boxScratch, sampleBox } from './mvn-box';
import type { Box, BoxScratch, Tilt } from './mvn-box';
import { boxBounds, componentPlan, compilePlan, coreValue, fractionZBounds, MISSING, NA, PRESENT, roundScaled, tiltOf } from './plan';
import type { ComponentPlan, Plan } from './plan';
import { cellWeights } from './cells';
import type { Cells } from './cells';
import { compileSupport, enforceSupport, supportMask, supportScratch } from './support';
import type { Support, SupportScratch } from './support';

/** Candidates per draw when two or more coordinates are range-constrained (SIR; see mvn-box.ts). */
export const SIR_CANDIDATES = 32;

/** A prepared conditional sampler for one where. See: docs/CONTRACTS.md "model/". */
export interface Sampler {
  readonly where: Where;
  /** P(where) under the model. */
  readonly probability: number;
  /** One profile (with derived variables) satisfying the where; draws only from `rng`. */
  sample(rng: Rng): Row;
}

/** One appliesWhen condition, flattened for the per-row check. */
interface GateTest {
  readonly isCat: boolean;
  readonly slot: number;
  /** Categorical: allowed states (incl. missing and NA positions). */
  readonly mask: Uint8Array;
  /** Numeric: allowed unrounded intervals [lo, hi); NaN (absent) allowed when nanOk. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly nanOk: boolean;
}

/** Per (plan, component) runtime pieces, built lazily on first use (a cache: saves work only). */
interface Runtime {
  readonly cp: ComponentPlan;
  readonly box: Box & { readonly mean: Float64Array };
  readonly tilt: Tilt | undefined;
  readonly scratch: BoxScratch;
}

/**
 * Compiled appliesWhen tests per variable index: clauses (any may hold) of tests (all must hold);
 * no clause = always applicable.
 */
export function gateTestsOf(model: CompiledModel, ruleDom: (index: number) => ClauseDoms[]): GateTest[][][] {
  return model.layout.slots.map((s) =>
    ruleDom(s.index).map((clause) =>
      clause.map(([g, dom]): GateTest => {
        const gs = model.layout.slots[g];
        const num = dom.kind === 'num' ? dom : undefined;
        return {
          isCat: gs.role === 'cat',
          slot: gs.slot,
          mask: dom.kind === 'cat' ? dom.mask : new Uint8Array(0),
          lo: Float64Array.from(num?.intervals ?? [], (iv) => iv[0]),
          hi: Float64Array.from(num?.intervals ?? [], (iv) => iv[1]),
          nanOk: num !== undefined && (num.missing || num.na),
        };
      }),
    ),
  );
}

class ConditionalSampler implements Sampler {
  readonly where: Where;
  readonly probability: number;
  private readonly m: CompiledModel;
  private readonly plans: readonly Plan[];
  private readonly cells: Cells;
  private readonly runtimes = new Map<number, Runtime>();
  private readonly gates: GateTest[][][];
  // Per-row buffers (reused; sample() allocates only its output row).
  private readonly catState: Int16Array;
  private readonly z: Float64Array;
  private readonly mean: Float64Array;
  private readonly eps: Float64Array;
  private readonly coreVal: Float64Array;
  private readonly satVal: Float64Array;
  private readonly satZ: Float64Array;
  private readonly zc: Float64Array;
  private readonly values: (Value | undefined)[];
  /** A reusable name → value view for the derived formulas (never returned). */
  private readonly view: Record<string, Value | undefined>;
  private readonly derivedInputs: readonly { readonly name: string; readonly index: number }[];
  private readonly isDriver: Uint8Array;
  /** The plausibility support (support.ts): its buffers and the identity draw order. */
  private readonly support: Support;
  private readonly supportBuf: SupportScratch;
  private readonly allDims: Int32Array;

  constructor(model: CompiledModel, where: Where, branches: readonly Branch[], gates: GateTest[][][], adjustPlan?: (plan: Plan) => Plan) {
    this.m = model;
    this.where = where;
    this.plans = branches.map((b) => (adjustPlan === undefined ? compilePlan(model, b) : adjustPlan(compilePlan(model, b))));
    this.cells = cellWeights(model, this.plans, (p, k) => this.runtime(p, k).cp);
    this.probability = this.cells.total;
    this.gates = gates;
    this.catState = new Int16Array(model.cats.length);
    this.z = new Float64Array(model.d);
    this.mean = new Float64Array(model.d);
    this.eps = new Float64Array(model.d);
    this.coreVal = new Float64Array(model.d);
    this.satVal = new Float64Array(model.sats.length);
    this.satZ = new Float64Array(model.sats.length);
    this.zc = new Float64Array(model.d);
    this.isDriver = new Uint8Array(model.cats.length);
    for (const c of model.driverCats) this.isDriver[c] = 1;
    this.values = new Array<Value | undefined>(model.rows.columns.length).fill(undefined);
    const inputNames = [...new Set(model.schema.derived.flatMap((dv) => dv.inputs))];
    this.derivedInputs = inputNames.map((name) => ({ name, index: model.rows.columns.indexOf(name) }));
    this.view = Object.fromEntries(inputNames.map((c) => [c, undefined]));
    this.support = compileSupport(model);
    this.supportBuf = supportScratch(model.d);
    this.allDims = Int32Array.from({ length: model.d }, (_, j) => j);
  }

  private runtime(p: number, k: number): Runtime {
    const key = p * this.m.k + k;
    let rt = this.runtimes.get(key);
    if (rt === undefined) {
      const plan = this.plans[p];
      const cp = componentPlan(this.m, plan, k);
      const m = plan.boxDims.length;
      const lo = new Float64Array(m);
      const hi = new Float64Array(m);
      boxBounds(this.m, plan, k, lo, hi);
      rt = {
        cp,
        box: { m, mean: new Float64Array(m), chol: cp.boxChol, lo, hi },
        tilt: tiltOf(this.m, plan, k),
        scratch: boxScratch(m, SIR_CANDIDATES),
      };
      this.runtimes.set(key, rt);
    }
    return rt;
  }

  private applicable(index: number): boolean {
    const clauses = this.gates[index];
    if (clauses.length === 0) return true;
    for (let c = 0; c < clauses.length; c++) if (this.clauseHolds(clauses[c])) return true;
    return false;
  }

  private clauseHolds(tests: readonly GateTest[]): boolean {
    for (let t = 0; t < tests.length; t++) {
      const g = tests[t];
      if (g.isCat) {
        if (g.mask[this.catState[g.slot]] !== 1) return false;
      } else {
        const v = this.coreVal[g.slot];
        if (Number.isNaN(v)) {
          if (!g.nanOk) return false;
        } else {
          let inside = false;
          for (let q = 0; q < g.lo.length; q++) if (v >= g.lo[q] && v < g.hi[q]) inside = true;
          if (!inside) return false;
        }
      }
    }
    return true;
  }

  private drawCat(rng: Rng, slot: number, k: number, mask: Uint8Array | undefined): number {
    const c = this.m.cats[slot];
    const S = c.states;
    const base = k * S;
    const probs = c.probs;
    let total = 0;
    if (mask === undefined) total = 1;
    else for (let s = 0; s < S; s++) if (mask[s] === 1) total += probs[base + s];
    let u = rng.next() * total;
    let last = -1;
    for (let s = 0; s < S; s++) {
      if (mask !== undefined && mask[s] !== 1) continue;
      const p = probs[base + s];
      if (p <= 0) continue;
      last = s;
      u -= p;
      if (u < 0) return s;
    }
    return last >= 0 ? last : S - 1;
  }

  sample(rng: Rng): Row {
    const model = this.m;
    const { d, layout } = model;
    const cells = this.cells;
    // 1. Cell: (plan, component, driver configuration).
    const u = rng.next() * cells.total;
    let lo = 0;
    let hi = cells.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cells.cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    const cell = lo;
    const p = cells.plan[cell];
    const k = cells.component[cell];
    const plan = this.plans[p];
    const config = cells.config[cell];
    const catState = this.catState;
    // 2. Drivers (always applicable), then the mean μ_k + B f.
    const drivers = model.driverCats;
    for (let i = 0; i < drivers.length; i++) {
      const c = drivers[i];
      if (config !== undefined) catState[c] = config[i];
      else catState[c] = this.drawCat(rng, c, k, plan.catMask[c] ?? undefined);
    }
    const mean = this.mean;
    for (let j = 0; j < d; j++) mean[j] = model.mean[k * d + j];
    const F = model.features.length;
    const effects = model.effectsOf[k];
    for (let q = 0; q < F; q++) {
      const f = model.features[q];
      if (catState[f.cat] !== f.state) continue;
      for (let j = 0; j < d; j++) mean[j] += effects[j * F + q];
    }
    // 3. Core scores: the box first (exact or SIR), the rest from the conditional normal.
    const z = this.z;
    const eps = this.eps;
    if (plan.boxDims.length === 0) {
      for (let j = 0; j < d; j++) eps[j] = standardNormal(rng);
      lowerMultiply(model.chol.subarray(k * d * d, (k + 1) * d * d), d, eps, z);
      for (let j = 0; j < d; j++) z[j] += mean[j];
      // A banded component (age band): its first coordinate truncated to the band (compilePlan).
      if (model.band !== undefined) truncateFirst(model.band, k, d, model.chol, mean, eps, z, rng);
      // The plausibility support (support.ts): redraws only coordinates that fall outside it.
      if (this.support.any) enforceSupport(this.support, model, this.allDims, model.chol.subarray(k * d * d, (k + 1) * d * d), eps, z, plan.fixedDims, rng, this.supportBuf);
    } else {
      const rt = this.runtime(p, k);
      const m = plan.boxDims.length;
      for (let a = 0; a < m; a++) rt.box.mean[a] = mean[plan.boxDims[a]];
      const zc = this.zc;
      if (!sampleBox(rt.box, rng, SIR_CANDIDATES, zc, rt.scratch, rt.tilt)) {
        // Unreachable for a cell of positive weight; keep the box's nearest point to the mean.
        for (let a = 0; a < m; a++) zc[a] = Math.min(rt.box.hi[a], Math.max(rt.box.lo[a], rt.box.mean[a]));
      }
      for (let a = 0; a < m; a++) z[plan.boxDims[a]] = zc[a];
      const { rest, regression, restChol } = rt.cp;
      const r = rest.length;
      for (let i = 0; i < r; i++) eps[i] = standardNormal(rng);
      for (let i = 0; i < r; i++) {
        let s = mean[rest[i]];
        for (let a = 0; a < m; a++) s += regression[i * m + a] * (zc[a] - rt.box.mean[a]);
        for (let b = 0; b <= i; b++) s += restChol[i * r + b] * eps[b];
        z[rest[i]] = s;
      }
      if (this.support.any) enforceSupport(this.support, model, rest, restChol, eps, z, plan.fixedDims, rng, this.supportBuf);
    }
    // 4. Everything in gate order.
    const coreVal = this.coreVal;
    const satVal = this.satVal;
    const order = layout.topoOrder;
    for (let t = 0; t < order.length; t++) {
      const index = order[t];
      const s = layout.slots[index];
      const slot = s.slot;
      if (s.role === 'cat') {
        if (this.isDriver[slot] === 1) continue;
        const mask = plan.catMask[slot];
        if (mask === null) catState[slot] = model.cats[slot].states;
        else if (mask !== undefined) catState[slot] = this.drawCat(rng, slot, k, mask);
        else catState[slot] = this.applicable(index) ? this.drawCat(rng, slot, k, plan.requiredMask[slot] ?? supportMask(this.support, slot, catState, coreVal)) : model.cats[slot].states;
      } else if (s.role === 'core') {
        const kind = plan.coreKind[slot];
        if (kind === PRESENT) {
          let v = this.valueOf(slot);
          if (v < plan.vlo[slot]) v = plan.vlo[slot];
          if (v > plan.vhi[slot]) v = plan.vhi[slot];
          coreVal[slot] = v;
        } else if (kind === NA || kind === MISSING) coreVal[slot] = NaN;
        else if (this.applicable(index) && rng.next() < model.presence[k * d + slot]) coreVal[slot] = this.valueOf(slot);
        else coreVal[slot] = NaN;
      } else {
        satVal[slot] = this.sampleSatellite(rng, plan, slot, k, index);
      }
    }
    return this.output();
  }

  /**
   * coreValue of the row's final score z[slot]: enforceSupport (run on every row when the support
   * has rules) already computed it for the coordinates its bounds read, after their last change.
   */
  private valueOf(slot: number): number {
    return this.support.any && this.support.needed[slot] === 1 ? this.supportBuf.values[slot] : coreValue(this.m, slot, this.z[slot]);
  }

  private sampleSatellite(rng: Rng, plan: Plan, q: number, k: number, index: number): number {
    const model = this.m;
    const sat = model.sats[q];
    const kind = plan.satKind[q];
    if (kind === NA || kind === MISSING) return NaN;
    if (kind !== PRESENT && !(this.applicable(index) && rng.next() < sat.presence[k])) return NaN;
    const mu = sat.mean[k] + (sat.parent >= 0 ? sat.slope[k] * this.z[sat.parent] : 0);
    const sd = sat.sd[k];
    const parent = sat.parent >= 0 ? this.coreVal[sat.parent] : NaN;
    if (sat.parent >= 0 && Number.isNaN(parent)) return NaN;
    let zs: number;
    if (kind === PRESENT) {
      let a: number;
      let b: number;
      if (sat.parent >= 0) [a, b] = fractionZBounds(sat, plan.satLo[q], plan.satHi[q], parent);
      else [a, b] = [plan.satLo[q], plan.satHi[q]];
      zs = mu + sd * truncatedStandardNormal(rng, (a - mu) / sd, (b - mu) / sd);
    } else zs = mu + sd * standardNormal(rng);
    this.satZ[q] = zs;
    const t = sat.tr.inverse(zs);
    let v = sat.parent >= 0 ? t * parent : t;
    if (sat.scale > 0) v = roundScaled(v, sat.scale);
    if (sat.parent >= 0 && v > parent) v = parent;
    if (v < sat.min) v = sat.min;
    if (v > sat.max) v = sat.max;
    if (kind === PRESENT) {
      if (v < plan.satVlo[q]) v = plan.satVlo[q];
      if (v > plan.satVhi[q]) v = plan.satVhi[q];
    }
    return v;
  }

  /** The last row's scores (core z with values, satellite z with values): for calibration. */
  scores(): { coreZ: Float64Array; coreVal: Float64Array; satZ: Float64Array; satVal: Float64Array } {
    return { coreZ: this.z, coreVal: this.coreVal, satZ: this.satZ, satVal: this.satVal };
  }

  private output(): Row {
    const model = this.m;
    const values = this.values;
    const slots = model.layout.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s.role === 'cat') {
        const st = this.catState[s.slot];
        const labels = model.cats[s.slot].labels;
        values[i] = st < labels.length ? labels[st] : undefined;
      } else {
        const v = s.role === 'core' ? this.coreVal[s.slot] : this.satVal[s.slot];
        values[i] = Number.isNaN(v) ? undefined : v;
      }
    }
    const derived = model.schema.derived;
    const view = this.view;
    const inputs = this.derivedInputs;
    for (let i = 0; i < inputs.length; i++) view[inputs[i].name] = values[inputs[i].index];
    for (let j = 0; j < derived.length; j++) {
      const x = derivedValue(derived[j], view);
      values[slots.length + j] = x === undefined ? undefined : roundTo(x, derived[j].decimals);
    }
    return model.rows.make(values);
  }
}

/**
 * Redraws coordinate 0 (the band dim; compilePlan puts it in the box otherwise) truncated to
 * component k's band when it fell outside, and corrects the later coordinates: exactly the
 * component's normal truncated to the band, as the first coordinate of its Cholesky order.
 */
function truncateFirst(band: CompiledBand, k: number, d: number, chol: Float64Array, mean: Float64Array, eps: Float64Array, z: Float64Array, rng: Rng): void {
  const lo = band.zlo[k];
  const hi = band.zhi[k];
  if (z[0] >= lo && z[0] < hi) return;
  const base = k * d * d;
  const l00 = chol[base];
  if (!(l00 > 0)) return;
  const e = truncatedStandardNormal(rng, (lo - mean[0]) / l00, (hi - mean[0]) / l00);
  const delta = e - eps[0];
  eps[0] = e;
  for (let j = 0; j < d; j++) z[j] += chol[base + j * d] * delta;
}

/**
 * Builds a sampler for already-resolved branches (see sample.ts for the public entry);
 * `adjustPlan` rewrites each compiled plan (record-sampler.ts takes held points out of the box).
 */
export function buildSampler(
  model: CompiledModel,
  where: Where,
  branches: readonly Branch[],
  gates: GateTest[][][],
  adjustPlan?: (plan: Plan) => Plan,
): ConditionalSampler {
  return new ConditionalSampler(model, where, branches, gates, adjustPlan);
}

export type { ConditionalSampler };

/** Throws when a where has (near) zero probability. */
export function unsupported(whereText: string, probability: number, effective: number, culprits: string): never {
  throw new UnsupportedSubgroupError('UNSUPPORTED_SUBGROUP', {
    where: whereText,
    support: `${probability.toPrecision(3)} of the population, about ${effective.toPrecision(3)} effective records; ${culprits}`,
  });
}
