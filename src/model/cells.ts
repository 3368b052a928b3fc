import type { CompiledModel } from './compiled';
import type { ComponentPlan, Plan } from './plan';
import { boxMass, MISSING, PRESENT } from './plan';
import { normalIntervalMass } from './truncated-normal';

/**
 * The cells of a conditional sampler: (branch plan, component, driver configuration) with weight
 * P(cell ∧ where). Their sum is P(where). Driver configurations are enumerated only when a
 * range-constrained core score has driver effects (then the box mass depends on them).
 */
export interface Cells {
  readonly total: number;
  readonly cumulative: Float64Array;
  readonly plan: Int32Array;
  readonly component: Int32Array;
  readonly config: readonly (Int16Array | undefined)[];
  /** Per component: P(where ∧ component). */
  readonly byComponent: Float64Array;
}

/** Σ_{s ∈ mask} P_k(s). */
function maskMass(model: CompiledModel, slot: number, k: number, mask: Uint8Array): number {
  const c = model.cats[slot];
  let s = 0;
  for (let i = 0; i < c.states; i++) if (mask[i] === 1) s += c.probs[k * c.states + i];
  return s;
}

/** All driver configurations the plan allows (cartesian product of allowed states). */
function configsOf(model: CompiledModel, plan: Plan): Int16Array[] {
  let out: number[][] = [[]];
  for (const slot of model.driverCats) {
    const c = model.cats[slot];
    const mask = plan.catMask[slot];
    const allowed: number[] = [];
    for (let s = 0; s < c.states; s++) if (mask === undefined || mask === null || mask[s] === 1) allowed.push(s);
    out = out.flatMap((prefix) => allowed.map((s) => [...prefix, s]));
  }
  return out.map((c) => Int16Array.from(c));
}

/** Computes every cell's weight. */
export function cellWeights(model: CompiledModel, plans: readonly Plan[], cpOf: (plan: number, k: number) => ComponentPlan): Cells {
  const K = model.k;
  const d = model.d;
  const weights: number[] = [];
  const planOf: number[] = [];
  const compOf: number[] = [];
  const configOf: (Int16Array | undefined)[] = [];
  const byComponent = new Float64Array(K);
  const isDriver = new Set(model.driverCats);
  const F = model.features.length;
  const mean = new Float64Array(d);
  plans.forEach((plan, p) => {
    const configs = plan.needConfigs ? configsOf(model, plan) : undefined;
    for (let k = 0; k < K; k++) {
      let base = model.pi[k];
      plan.catMask.forEach((mask, slot) => {
        if (mask === undefined || mask === null) return;
        if (configs !== undefined && isDriver.has(slot)) return;
        base *= maskMass(model, slot, k, mask);
      });
      plan.requiredMask.forEach((mask, slot) => {
        if (mask !== undefined) base *= maskMass(model, slot, k, mask);
      });
      for (let j = 0; j < d; j++) {
        const kind = plan.coreKind[j];
        if (kind === PRESENT) base *= model.presence[k * d + j];
        else if (kind === MISSING) base *= 1 - model.presence[k * d + j];
      }
      model.sats.forEach((sat, q) => {
        const kind = plan.satKind[q];
        if (kind === MISSING) base *= 1 - sat.presence[k];
        else if (kind === PRESENT) {
          base *= sat.presence[k];
          if (sat.parent < 0) {
            base *= normalIntervalMass((plan.satLo[q] - sat.mean[k]) / sat.sd[k], (plan.satHi[q] - sat.mean[k]) / sat.sd[k]);
          }
        }
      });
      if (!(base > 0)) continue;
      const push = (w: number, config: Int16Array | undefined): void => {
        if (!(w > 0)) return;
        weights.push(w);
        planOf.push(p);
        compOf.push(k);
        configOf.push(config);
        byComponent[k] += w;
      };
      for (let j = 0; j < d; j++) mean[j] = model.mean[k * d + j];
      if (configs === undefined) {
        push(plan.boxDims.length === 0 ? base : base * boxMass(model, plan, cpOf(p, k), mean, k), undefined);
        continue;
      }
      const cp = cpOf(p, k);
      const effects = model.effectsOf[k];
      for (const config of configs) {
        let pc = base;
        model.driverCats.forEach((slot, i) => {
          const c = model.cats[slot];
          pc *= c.probs[k * c.states + config[i]];
        });
        if (!(pc > 0)) continue;
        for (let j = 0; j < d; j++) mean[j] = model.mean[k * d + j];
        for (let q = 0; q < F; q++) {
          const f = model.features[q];
          const i = model.driverCats.indexOf(f.cat);
          if (config[i] !== f.state) continue;
          for (let j = 0; j < d; j++) mean[j] += effects[j * F + q];
        }
        push(pc * boxMass(model, plan, cp, mean, k), config);
      }
    }
  });
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += w;
    cumulative[i] = total;
  });
  return {
    total,
    cumulative,
    plan: Int32Array.from(planOf),
    component: Int32Array.from(compOf),
    config: configOf,
    byComponent,
  };
}
