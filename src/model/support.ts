import { truncatedStandardNormal } from '../random';
import type { Rng } from '../random';
import { bandOf, plausibilityRulesFor } from '../schema';
import type { AgeBand, PlausibilityRule } from '../schema';
import type { CompiledModel } from './compiled';
import { coreValue } from './plan';

/**
 * The support of one person, applied while drawing (schema/plausibility.ts has the rules and
 * their sources). Only rules that are true support bounds are enforced: body size within its
 * year of age's band, BMI = weight / height² within its band, waist within 0.3-1.1 × height,
 * diastolic < systolic, HDL < total cholesterol, TG/5 < TC − HDL (a positive Friedewald LDL), and
 * insulin only with diabetes or diabetic labs. A value outside them is a person who cannot exist,
 * so conditioning the model on them removes nothing a real record has (every rule holds on every
 * real row; test/unit/schema/plausibility.test.ts).
 *
 * How: core scores are drawn as z = μ + L ε, one coordinate after another in the Cholesky order,
 * so coordinate i given the earlier ones is N(μ_i|<i, L_ii²). When its value falls outside the
 * bounds its rules give from the earlier values, ε_i is redrawn from the standard normal truncated
 * to them and the later coordinates are corrected (they depend on ε_i through L). Drawing first
 * and redrawing only outside is exactly the truncated conditional (density φ/P(inside) inside),
 * and rows already inside keep every draw. A rule is applied to the later of its variables in the
 * draw order (an earlier one is not moved): the joint law is the sequentially truncated one, not
 * the exact conditional of the mixture on the support — a bias of the order of the mass outside
 * (under 1% of rows for every rule). Coordinates the where constrains (the box) and the points a
 * record sampler holds are fixed: never moved, drawn first, and age drawn after them is kept to
 * the ages whose bands hold their values (the rules read backwards).
 * Categorical rules (`requires`) remove the label from the draw when no clause holds.
 */

/** One bound on a core coordinate from already drawn values: writes [lo, hi) of the unrounded value. */
type Bound = (values: Float64Array, out: Float64Array) => void;

interface DimBound {
  readonly needs: readonly number[];
  readonly bound: Bound;
}

interface CatRule {
  readonly state: number;
  /** Clauses: categorical (slot, state) or core (slot, [min, max]). */
  readonly clauses: readonly {
    readonly cat: boolean;
    readonly slot: number;
    readonly state: number;
    readonly min: number;
    readonly max: number;
  }[];
  readonly mask: Uint8Array;
}

const TINY = 1e-9;

/** The compiled support of a model. */
export interface Support {
  /** Bounds per core coordinate (empty for most). */
  readonly dims: readonly (readonly DimBound[])[];
  /** Categorical rules per categorical slot. */
  readonly cats: readonly (readonly CatRule[])[];
  /** 1 for coordinates some bound reads (only their values are computed while drawing). */
  readonly needed: Uint8Array;
  readonly any: boolean;
}

function halfStep(model: CompiledModel, j: number): number {
  return model.core[j].step / 2;
}

/** The lowest value a core coordinate can take (its schema bound or its transform's support). */
function lowest(model: CompiledModel, j: number): number {
  return Math.max(model.core[j].min, model.core[j].tr.support[0]);
}

function bandBounds(bands: readonly AgeBand[], age: number, out: Float64Array): boolean {
  const b = bandOf(bands, age);
  if (b === undefined) return false;
  out[0] = b.min;
  out[1] = b.max;
  return true;
}

/**
 * Ages whose band holds a reported value: the hull [first band's from, last band's to) in
 * unrounded age (`ha` its half step), written into out; false when no band holds it. Bands are
 * the support of growth (monotone), so the ages that fit are one run of years.
 */
function agesHolding(bands: readonly AgeBand[], value: number, ha: number, out: Float64Array): boolean {
  let from = Infinity;
  let to = -Infinity;
  for (const b of bands) {
    if (value < b.min || value > b.max) continue;
    if (b.from < from) from = b.from;
    if (b.to > to) to = b.to;
  }
  if (!(from < to)) return false;
  out[0] = from - ha;
  out[1] = to - ha - TINY;
  return true;
}

function compileRule(model: CompiledModel, rule: PlausibilityRule, dims: DimBound[][]): void {
  const core = (name: string): number => {
    const s = model.layout.byName.get(name);
    return s !== undefined && s.role === 'core' ? s.slot : -1;
  };
  const age = core('age_years');
  const add = (j: number, needs: number[], bound: Bound): void => {
    if (j >= 0 && needs.every((n) => n >= 0)) dims[j].push({ needs, bound });
  };
  const tmp = new Float64Array(2);
  switch (rule.kind) {
    case 'range-by-age': {
      const j = core(rule.variable);
      if (j >= 0) {
        const h = halfStep(model, j);
        add(j, [age], (v, out) => {
          if (!bandBounds(rule.bands, v[age], tmp)) return;
          out[0] = Math.max(out[0], tmp[0] - h);
          out[1] = Math.min(out[1], tmp[1] + h - TINY);
        });
        // Age given the value, when the value is fixed before age is drawn (a held point or a
        // where's box): only the ages whose band holds it.
        if (age >= 0) {
          const ha = halfStep(model, age);
          add(age, [j], (v, out) => {
            if (!agesHolding(rule.bands, v[j], ha, tmp)) return;
            out[0] = Math.max(out[0], tmp[0]);
            out[1] = Math.min(out[1], tmp[1]);
          });
        }
        return;
      }
      const derived = model.schema.derived.find((d) => d.name === rule.variable);
      if (derived?.formula !== 'bmi') return;
      const w = core(derived.inputs[0]);
      const ht = core(derived.inputs[1]);
      if (w < 0 || ht < 0) return;
      const hw = halfStep(model, w);
      const hh = halfStep(model, ht);
      // Age given a fixed height and weight (held points or a box): the ages whose BMI band holds them.
      if (age >= 0) {
        const ha = halfStep(model, age);
        add(age, [w, ht], (v, out) => {
          if (!agesHolding(rule.bands, v[w] / (v[ht] / 100) ** 2, ha, tmp)) return;
          out[0] = Math.max(out[0], tmp[0]);
          out[1] = Math.min(out[1], tmp[1]);
        });
      }
      // BMI = w / (h/100)²: weight given height, or height given weight (whichever is drawn later).
      add(w, [age, ht], (v, out) => {
        if (!bandBounds(rule.bands, v[age], tmp)) return;
        const m2 = (v[ht] / 100) ** 2;
        out[0] = Math.max(out[0], tmp[0] * m2 + hw);
        out[1] = Math.min(out[1], tmp[1] * m2 - hw);
      });
      // Weight is drawn before height: keep it where some height of its band and support fits.
      const heightRule = plausibilityRulesFor(model.schema).find(
        (r) => r.kind === 'range-by-age' && r.variable === derived.inputs[1],
      );
      const heightBands = heightRule?.kind === 'range-by-age' ? heightRule.bands : [];
      const hSupport = model.core[ht];
      const tmpH = new Float64Array(2);
      add(w, [age], (v, out) => {
        if (!bandBounds(rule.bands, v[age], tmp)) return;
        let hMin = hSupport.min;
        let hMax = hSupport.max;
        if (bandBounds(heightBands, v[age], tmpH)) {
          hMin = Math.max(hMin, tmpH[0]);
          hMax = Math.min(hMax, tmpH[1]);
        }
        out[0] = Math.max(out[0], tmp[0] * ((hMin + 2 * hh) / 100) ** 2 + hw);
        out[1] = Math.min(out[1], tmp[1] * ((hMax - 2 * hh) / 100) ** 2 - hw);
      });
      add(ht, [age, w], (v, out) => {
        if (!bandBounds(rule.bands, v[age], tmp)) return;
        out[0] = Math.max(out[0], 100 * Math.sqrt(v[w] / tmp[1]) + hh);
        out[1] = Math.min(out[1], 100 * Math.sqrt(v[w] / tmp[0]) - hh);
      });
      return;
    }
    case 'less-than': {
      const lo = core(rule.lower);
      const hi = core(rule.upper);
      if (lo < 0 || hi < 0) return;
      const hl = halfStep(model, lo);
      const hu = halfStep(model, hi);
      add(lo, [hi], (v, out) => {
        out[1] = Math.min(out[1], v[hi] - hl - TINY);
      });
      add(hi, [lo], (v, out) => {
        out[0] = Math.max(out[0], v[lo] + hu + TINY);
      });
      return;
    }
    case 'ratio-range': {
      const a = core(rule.numerator);
      const b = core(rule.denominator);
      if (a < 0 || b < 0) return;
      const ha = halfStep(model, a);
      const hb = halfStep(model, b);
      add(a, [b], (v, out) => {
        out[0] = Math.max(out[0], rule.min * v[b] + ha);
        out[1] = Math.min(out[1], rule.max * v[b] - ha);
      });
      add(b, [a], (v, out) => {
        out[0] = Math.max(out[0], v[a] / rule.max + hb);
        out[1] = Math.min(out[1], v[a] / rule.min - hb);
      });
      return;
    }
    case 'friedewald-positive': {
      const tc = core(rule.total);
      const hdl = core(rule.hdl);
      const tg = core(rule.triglycerides);
      if (tg < 0 || tc < 0 || hdl < 0) return;
      const ht = halfStep(model, tg);
      // TG ≤ 400 ⇒ TG < 5 (TC − HDL): one interval, TG < 5 (TC − HDL), when that is under 400
      // (TG above 400 with so little non-HDL cholesterol is left out: 3 real rows in 9,971).
      // HDL leaves room for the lowest triglycerides the model reports.
      const hh = halfStep(model, hdl);
      const tgMin = model.core[tg].min;
      const hdlMin = lowest(model, hdl);
      const hc = halfStep(model, tc);
      // With TG drawn before TC (a where's range on TG), TC leaves room for the lowest HDL.
      add(tc, [tg], (v, out) => {
        if (v[tg] <= 400) out[0] = Math.max(out[0], hdlMin + v[tg] / 5 + hc + hh + TINY);
      });
      add(hdl, [tc], (v, out) => {
        out[1] = Math.min(out[1], v[tc] - tgMin / 5 - 2 * hh - TINY);
      });
      // With TG drawn first (a where's range on it), HDL < TC − TG/5 instead.
      add(hdl, [tc, tg], (v, out) => {
        if (v[tg] <= 400) out[1] = Math.min(out[1], v[tc] - v[tg] / 5 - hh - TINY);
      });
      add(tg, [tc, hdl], (v, out) => {
        const cap = 5 * (v[tc] - v[hdl]);
        if (cap <= 400) out[1] = Math.min(out[1], cap - ht - TINY);
      });
      return;
    }
    case 'requires':
    case 'at-most':
      // Categorical (compileCatRule) and structural (atMost: capped satellites) rules.
      return;
  }
}

function compileCatRule(model: CompiledModel, rule: PlausibilityRule, cats: CatRule[][]): void {
  if (rule.kind !== 'requires') return;
  const s = model.layout.byName.get(rule.variable);
  if (s === undefined || s.role !== 'cat') return;
  const c = model.cats[s.slot];
  const state = c.stateOf.get(rule.label);
  if (state === undefined) return;
  const position = model.layout.topoOrder.indexOf(s.index);
  const clauses: CatRule['clauses'][number][] = [];
  for (const cl of rule.anyOf) {
    const g = model.layout.byName.get(cl.variable);
    // A clause on a variable drawn later cannot be checked at this draw: leave the rule out.
    if (g === undefined || g.role === 'sat' || model.layout.topoOrder.indexOf(g.index) > position) return;
    if (g.role === 'cat') {
      const st = model.cats[g.slot].stateOf.get(cl.label ?? '');
      if (st !== undefined) clauses.push({ cat: true, slot: g.slot, state: st, min: 0, max: 0 });
    } else
      clauses.push({
        cat: false,
        slot: g.slot,
        state: -1,
        min: cl.min ?? -Infinity,
        max: cl.max ?? Infinity,
      });
  }
  const mask = new Uint8Array(c.states + 1).fill(1);
  mask[state] = 0;
  cats[s.slot].push({ state, clauses, mask });
}

/**
 * The reported ages [lo, hi] in which held values of core variables (a record's points) are
 * plausible: for each body-size rule on a held variable (BMI when weight and height are both
 * held), the ages whose band holds the value, intersected. Undefined when no rule restricts age
 * or the rules disagree (the record is then left as the caller gave it).
 */
export function heldAgeRange(model: CompiledModel, held: ReadonlyMap<string, number>): { lo: number; hi: number } | undefined {
  let lo = -Infinity;
  let hi = Infinity;
  const tmp = new Float64Array(2);
  for (const rule of plausibilityRulesFor(model.schema)) {
    if (rule.kind !== 'range-by-age') continue;
    let value = held.get(rule.variable);
    if (value === undefined) {
      const derived = model.schema.derived.find((d) => d.name === rule.variable);
      const w = derived?.formula === 'bmi' ? held.get(derived.inputs[0]) : undefined;
      const h = derived?.formula === 'bmi' ? held.get(derived.inputs[1]) : undefined;
      if (w === undefined || h === undefined) continue;
      value = w / (h / 100) ** 2;
    }
    if (!agesHolding(rule.bands, value, 0, tmp)) continue;
    lo = Math.max(lo, tmp[0]);
    hi = Math.min(hi, Math.ceil(tmp[1]) - 1);
  }
  return lo > -Infinity && lo <= hi ? { lo, hi } : undefined;
}

/** Compiles the schema's plausibility rules against a model. */
export function compileSupport(model: CompiledModel): Support {
  const dims: DimBound[][] = model.core.map(() => []);
  const cats: CatRule[][] = model.cats.map(() => []);
  for (const rule of plausibilityRulesFor(model.schema)) {
    compileRule(model, rule, dims);
    compileCatRule(model, rule, cats);
  }
  const needed = new Uint8Array(model.d);
  for (const list of dims) for (const b of list) for (const n of b.needs) needed[n] = 1;
  return { dims, cats, needed, any: dims.some((d) => d.length > 0) || cats.some((c) => c.length > 0) };
}

/** Scratch buffers for enforceSupport (one per sampler). */
export interface SupportScratch {
  readonly values: Float64Array;
  readonly drawn: Uint8Array;
  readonly bounds: Float64Array;
}

export function supportScratch(d: number): SupportScratch {
  return { values: new Float64Array(d), drawn: new Uint8Array(d), bounds: new Float64Array(2) };
}

/**
 * Applies the support to core scores drawn as z[order[i]] = mean + Σ_b L[i·r + b] ε[b] (b ≤ i);
 * `fixed` coordinates (the where's box, held record points) were drawn before, count as drawn and
 * are never moved, even when they appear in `order`.
 */
export function enforceSupport(
  support: Support,
  model: CompiledModel,
  order: ArrayLike<number>,
  chol: ArrayLike<number>,
  eps: Float64Array,
  z: Float64Array,
  fixed: ArrayLike<number>,
  rng: Rng,
  scratch: SupportScratch,
): void {
  const { values, drawn, bounds } = scratch;
  const r = order.length;
  drawn.fill(0);
  for (let a = 0; a < fixed.length; a++) {
    const j = fixed[a];
    drawn[j] = 1;
    if (support.needed[j] === 1) values[j] = coreValue(model, j, z[j]);
  }
  for (let i = 0; i < r; i++) {
    const j = order[i];
    // A fixed coordinate (the box, a held point: conditional variance 0) is never moved.
    if (drawn[j] === 1) continue;
    const rules = support.dims[j];
    if (rules.length > 0) {
      bounds[0] = -Infinity;
      bounds[1] = Infinity;
      for (const rule of rules) {
        let ready = true;
        for (const n of rule.needs) if (drawn[n] !== 1) ready = false;
        if (ready) rule.bound(values, bounds);
      }
      if (bounds[0] < bounds[1] && (bounds[0] > -Infinity || bounds[1] < Infinity)) {
        const [zlo, zhi] = model.core[j].tr.zBounds(bounds[0], bounds[1]);
        if (!(z[j] >= zlo && z[j] < zhi) && zlo < zhi) {
          const lii = chol[i * r + i];
          const base = z[j] - lii * eps[i];
          const e = truncatedStandardNormal(rng, (zlo - base) / lii, (zhi - base) / lii);
          const delta = e - eps[i];
          eps[i] = e;
          for (let i2 = i; i2 < r; i2++) z[order[i2]] += chol[i2 * r + i] * delta;
        }
      }
    }
    drawn[j] = 1;
    if (support.needed[j] === 1) values[j] = coreValue(model, j, z[j]);
  }
}

/**
 * The mask of states a categorical may take given the row so far (undefined: no rule removes any).
 * `catState` and `coreVal` are the sampler's per-row state.
 */
export function supportMask(
  support: Support,
  slot: number,
  catState: Int16Array,
  coreVal: Float64Array,
): Uint8Array | undefined {
  const rules = support.cats[slot];
  for (let q = 0; q < rules.length; q++) {
    const rule = rules[q];
    let holds = false;
    for (const c of rule.clauses) {
      if (c.cat ? catState[c.slot] === c.state : coreVal[c.slot] >= c.min && coreVal[c.slot] <= c.max) {
        holds = true;
        break;
      }
    }
    if (!holds) return rule.mask;
  }
  return undefined;
}
