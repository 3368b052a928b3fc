import type { Schema, Variable } from '../schema';
import { choleskyRobust } from './linalg';
import { layoutOf } from './layout';
import { rowFactoryOf } from './row-factory';
import type { Layout } from './layout';
import type { ModelParams } from './model-format';
import type { QuantileTransform } from './quantile-transform';
import { prepareTransform } from './transform';
import { normalIntervalMass } from './truncated-normal';
import type { PreparedTransform, Transform } from './transform';

/**
 * The runtime form of a model: typed arrays, cumulative tables and Cholesky factors computed once
 * from the JSON parameters. Never serialised.
 */
export interface CompiledCategorical {
  readonly name: string;
  readonly variable: Variable;
  /** Labels; index labels.length is "missing when applicable". */
  readonly labels: readonly string[];
  /** Number of states: labels + missing. */
  readonly states: number;
  /** K × states. */
  readonly probs: Float64Array;
  /** label → state (merged labels map to the state that absorbed them, for densities only). */
  readonly stateOf: ReadonlyMap<string, number>;
  /** Labels that are modelled (a where naming another label has probability 0). */
  readonly modelled: ReadonlySet<string>;
}

export interface CompiledNumeric<T extends Transform = Transform> {
  readonly name: string;
  readonly variable: Variable;
  readonly transform: T;
  /** The transform with its tables (forward, inverse, z bounds). */
  readonly tr: PreparedTransform;
  /** Grid step of reported values (0: none). */
  readonly step: number;
  readonly decimals: number | undefined;
  /** 10^decimals (0 when unrounded). */
  readonly scale: number;
  readonly min: number;
  readonly max: number;
}

export interface CompiledSatellite extends CompiledNumeric<QuantileTransform> {
  /** Core slot of the parent (value = fraction × parent), or −1. */
  readonly parent: number;
  readonly presence: Float64Array;
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** Slope of the score on the parent's score (zeros without a parent). */
  readonly slope: Float64Array;
}

export interface CompiledModel {
  readonly schema: Schema;
  readonly layout: Layout;
  readonly k: number;
  readonly pi: Float64Array;
  readonly cats: readonly CompiledCategorical[];
  readonly core: readonly CompiledNumeric[];
  readonly d: number;
  /** K × d. */
  readonly presence: Float64Array;
  /** K × d. */
  readonly mean: Float64Array;
  /** K × d × d (full symmetric). */
  readonly cov: Float64Array;
  /** K × d × d lower Cholesky factors. */
  readonly chol: Float64Array;
  /** d × F driver effects of most components. */
  readonly effects: Float64Array;
  /** Per component: its d × F driver effects (`effects`, or its stratum's own). */
  readonly effectsOf: readonly Float64Array[];
  /** Per feature: categorical slot and state it indicates. */
  readonly features: readonly { readonly cat: number; readonly state: number }[];
  /** Categorical slots that are drivers. */
  readonly driverCats: readonly number[];
  /** Core dimensions with a non-zero effect row. */
  readonly hasEffect: readonly boolean[];
  readonly sats: readonly CompiledSatellite[];
  /** Banded components (model-format `core.bands`), or undefined. */
  readonly band: CompiledBand | undefined;
  readonly effectiveRecords: number;
  /** Output columns and the fixed-shape row factory. */
  readonly rows: ReturnType<typeof rowFactoryOf>;
}

/**
 * Per component, the z-interval [zlo, zhi) its score on core dim `dim` is truncated to (±Infinity:
 * unbounded) and `mass`, P(band) under the component's untruncated normal — of the fitted model
 * even in a model derived by conditioning (record-condition.ts), whose normals are conditional:
 * a cell's weight is P(box ∩ band | ·) / mass.
 */
export interface CompiledBand {
  readonly dim: number;
  readonly zlo: Float64Array;
  readonly zhi: Float64Array;
  readonly mass: Float64Array;
  /** True in a model derived by conditioning on points: the band dim is always drawn in the box. */
  readonly conditioned: boolean;
}

/** Whether component k's band bounds anything. */
export function isBanded(band: CompiledBand | undefined, k: number): boolean {
  return band !== undefined && (band.zlo[k] > -Infinity || band.zhi[k] < Infinity);
}

function compileBand(params: ModelParams, layout: Layout, core: readonly CompiledNumeric[], mean: Float64Array, cov: Float64Array, d: number): CompiledBand | undefined {
  const b = params.core.bands;
  if (b === undefined) return undefined;
  const dim = layout.byName.get(b.variable)!.slot;
  const K = params.k;
  const zlo = new Float64Array(K);
  const zhi = new Float64Array(K);
  const mass = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const [lo, hi] = core[dim].tr.zBounds(b.lo[k] ?? -Infinity, b.hi[k] ?? Infinity);
    zlo[k] = b.lo[k] === null ? -Infinity : lo;
    zhi[k] = b.hi[k] === null ? Infinity : hi;
    const sd = Math.sqrt(cov[k * d * d + dim * d + dim]);
    const m = mean[k * d + dim];
    mass[k] = normalIntervalMass((zlo[k] - m) / sd, (zhi[k] - m) / sd);
  }
  return { dim, zlo, zhi, mass, conditioned: false };
}

function numericOf<T extends Transform>(variable: Variable, transform: T): CompiledNumeric<T> {
  const step = variable.decimals === undefined ? 0 : 10 ** -variable.decimals;
  return {
    name: variable.name,
    variable,
    transform,
    tr: prepareTransform(transform),
    step,
    decimals: variable.decimals,
    scale: variable.decimals === undefined ? 0 : 10 ** variable.decimals,
    min: variable.bounds?.min ?? -Infinity,
    max: variable.bounds?.max ?? Infinity,
  };
}

/** Compiles validated parameters against their schema. */
export function compileModel(schema: Schema, params: ModelParams): CompiledModel {
  const layout = layoutOf(schema);
  const K = params.k;
  const cats: CompiledCategorical[] = layout.cats.map((s, i) => {
    const p = params.categorical[i];
    const states = p.states.length + 1;
    const probs = new Float64Array(K * states);
    p.probs.forEach((row, k) => row.forEach((x, j) => (probs[k * states + j] = x)));
    const stateOf = new Map<string, number>(p.states.map((l, j) => [l, j]));
    for (const [from, to] of Object.entries(p.merged)) {
      const t = stateOf.get(to);
      if (t !== undefined) stateOf.set(from, t);
    }
    return {
      name: p.name,
      variable: s.variable,
      labels: p.states,
      states,
      probs,
      stateOf,
      modelled: new Set(p.states),
    };
  });
  const d = layout.core.length;
  const core = layout.core.map((s, j) => numericOf(s.variable, params.core.transforms[j]));
  const presence = new Float64Array(K * d);
  const mean = new Float64Array(K * d);
  const cov = new Float64Array(K * d * d);
  const chol = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) {
      presence[k * d + j] = params.core.presence[k][j];
      mean[k * d + j] = params.core.mean[k][j];
    }
    const packed = params.core.cov[k];
    let t = 0;
    for (let a = 0; a < d; a++) {
      for (let c = 0; c <= a; c++) {
        cov[k * d * d + a * d + c] = packed[t];
        cov[k * d * d + c * d + a] = packed[t];
        t++;
      }
    }
    const l = choleskyRobust(cov.subarray(k * d * d, (k + 1) * d * d), d);
    chol.set(l, k * d * d);
  }
  const F = params.core.drivers.features.length;
  const matrix = (rows: readonly (readonly number[])[]): Float64Array => {
    const out = new Float64Array(d * F);
    rows.forEach((row, j) => row.forEach((x, q) => (out[j * F + q] = x)));
    return out;
  };
  const effects = matrix(params.core.drivers.effects);
  const stratum = params.core.drivers.stratumEffects;
  const stratumMatrix = stratum === undefined ? effects : matrix(stratum.effects);
  const own = new Set(stratum?.components ?? []);
  const effectsOf = Array.from({ length: K }, (_, k) => (own.has(k) ? stratumMatrix : effects));
  const features = params.core.drivers.features.map(([name, label]) => {
    const slot = layout.byName.get(name)!.slot;
    const c = cats[slot];
    return { cat: slot, state: label === '' ? c.labels.length : c.labels.indexOf(label) };
  });
  const driverCats = params.core.drivers.variables.map((name) => layout.byName.get(name)!.slot);
  const hasEffect = layout.core.map((_, j) => {
    for (let q = 0; q < F; q++) if (effects[j * F + q] !== 0 || stratumMatrix[j * F + q] !== 0) return true;
    return false;
  });
  const sats: CompiledSatellite[] = layout.sats.map((s, q) => {
    const p = params.satellites[q];
    return {
      ...numericOf(s.variable, p.transform),
      parent: layout.satParent[q],
      presence: Float64Array.from(p.presence),
      mean: Float64Array.from(p.mean),
      sd: Float64Array.from(p.sd),
      slope: p.slope === undefined ? new Float64Array(K) : Float64Array.from(p.slope),
    };
  });
  return {
    schema,
    layout,
    k: K,
    pi: Float64Array.from(params.weights),
    cats,
    core,
    d,
    presence,
    mean,
    cov,
    chol,
    effects,
    effectsOf,
    features,
    driverCats,
    hasEffect,
    sats,
    band: compileBand(params, layout, core, mean, cov, d),
    effectiveRecords: params.fit.effectiveRecords,
    rows: rowFactoryOf(schema),
  };
}
