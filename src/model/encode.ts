import { InvalidInputError } from '../errors';
import type { Rng } from '../random';
import type { Row, Schema, Table } from '../schema';
import type { EmCategorical, EmData } from './em-types';
import { layoutOf } from './layout';
import type { Layout } from './layout';
import type { QuantileTransform } from './quantile-transform';
import type { Transform, TransformKind } from './transform';
import { applicabilityOf, encodeCategoricals, encodeCore, encodeSatellites } from './encode-columns';
import type { EncodeInput } from './encode-columns';

export { stepOf } from './encode-columns';

/** What encoding decided per variable (kept states, merges, transforms), for the model file. */
export interface CategoricalEncoding {
  readonly name: string;
  /** Modelled labels, schema order. */
  readonly states: readonly string[];
  /** Labels backed by fewer than k records → the label they were merged into (never sampled). */
  readonly merged: Readonly<Record<string, string>>;
  /** Whether "missing when applicable" has ≥ k records (else suppressed: never sampled). */
  readonly missing: boolean;
}

export interface NumericEncoding<T extends Transform = Transform> {
  readonly name: string;
  readonly transform: T;
  readonly missing: boolean;
  /** Core parent of a capped satellite (value = fraction × parent). */
  readonly parent?: string;
}

export interface Encoding {
  readonly layout: Layout;
  readonly cats: readonly CategoricalEncoding[];
  readonly core: readonly NumericEncoding[];
  readonly sats: readonly NumericEncoding<QuantileTransform>[];
  readonly drivers: readonly string[];
  /** Driver features: (variable, label) pairs, one per non-reference state. */
  readonly features: readonly (readonly [string, string])[];
  readonly rows: number;
  /** Kish effective sample size (Σw)² / Σw² of the rows used. */
  readonly effectiveRecords: number;
}

export interface EncodeOptions {
  readonly weights?: string;
  readonly kFloor: number;
  readonly drivers: readonly string[];
  /** Transform per core variable (default: quantile). */
  readonly transforms?: Readonly<Record<string, TransformKind>>;
}

function weightsOf(table: Table, column: string | undefined): { rows: Row[]; w: Float64Array } {
  if (column === undefined) return { rows: [...table.rows], w: new Float64Array(table.rows.length).fill(1) };
  const rows: Row[] = [];
  const ws: number[] = [];
  table.rows.forEach((row, i) => {
    const v = row[column];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InvalidInputError(
        `weight column "${column}" has no valid weight on data row ${i + 1} (got ${JSON.stringify(v)})`,
      );
    }
    if (v > 0) {
      rows.push(row);
      ws.push(v);
    }
  });
  if (rows.length === 0) throw new InvalidInputError(`weight column "${column}" is zero on every row`);
  const mean = ws.reduce((a, b) => a + b, 0) / ws.length;
  return { rows, w: Float64Array.from(ws, (x) => x / mean) };
}

/**
 * Encodes a training table for EM: rows with zero weight dropped, weights normalised to mean 1,
 * categories under k records merged, continuous values dequantised (a seeded uniform jitter within
 * their reporting cell) and mapped to normal scores.
 */
export function encodeTable(
  table: Table,
  schema: Schema,
  options: EncodeOptions,
  rng: Rng,
): { data: EmData; encoding: Encoding } {
  const layout = layoutOf(schema);
  const { rows, w } = weightsOf(table, options.weights);
  const n = rows.length;
  const input: EncodeInput = {
    layout,
    rows,
    w,
    applicable: applicabilityOf(layout, rows),
    kFloor: options.kFloor,
  };
  const { cats, catEnc } = encodeCategoricals(input);
  // Jitter draws are made for every (variable, row) in a fixed order, so they depend on the seed only.
  const jitter = (): number => rng.next() - 0.5;
  const { core, coreEnc } = encodeCore(input, options.transforms, jitter);
  const { sats, satEnc } = encodeSatellites(input, jitter);
  const { drivers, features, feat } = driverFeatures(layout, options.drivers, catEnc, cats, n);

  let sw = 0;
  let sw2 = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    sw2 += w[i] * w[i];
  }
  const data: EmData = {
    n,
    w,
    cats,
    core,
    sats,
    features: feat,
    nFeatures: features.length,
  };
  const encoding: Encoding = {
    layout,
    cats: catEnc,
    core: coreEnc,
    sats: satEnc,
    drivers,
    features,
    rows: n,
    effectiveRecords: (sw * sw) / sw2,
  };
  return { data, encoding };
}

/**
 * Drivers: present, always-applicable categoricals; one indicator feature per non-reference state.
 */
function driverFeatures(
  layout: Layout,
  names: readonly string[],
  catEnc: readonly CategoricalEncoding[],
  cats: readonly EmCategorical[],
  n: number,
): { drivers: string[]; features: [string, string][]; feat: Float64Array } {
  const drivers = names.filter((name) => {
    const s = layout.byName.get(name);
    return s !== undefined && s.role === 'cat' && s.variable.appliesWhen === undefined;
  });
  const features: [string, string][] = [];
  const featureCols: { cat: number; state: number }[] = [];
  for (const name of drivers) {
    const s = layout.byName.get(name)!;
    const enc = catEnc[s.slot];
    const all = enc.missing ? [...enc.states, ''] : enc.states;
    for (let st = 1; st < all.length; st++) {
      features.push([name, all[st]]);
      featureCols.push({ cat: s.slot, state: st });
    }
  }
  const F = features.length;
  const feat = new Float64Array(n * F);
  featureCols.forEach((fc, q) => {
    const x = cats[fc.cat].x;
    for (let i = 0; i < n; i++) if (x[i] === fc.state) feat[i * F + q] = 1;
  });

  return { drivers, features, feat };
}

/** The rows `idx` of an encoded table (for held-out likelihood). */
export function subsetData(data: EmData, idx: readonly number[]): EmData {
  const m = idx.length;
  const { d } = data.core;
  const F = data.nFeatures;
  const w = Float64Array.from(idx, (i) => data.w[i]);
  const z = new Float64Array(m * d);
  const presence = new Int8Array(m * d);
  const features = new Float64Array(m * F);
  idx.forEach((i, r) => {
    for (let j = 0; j < d; j++) {
      z[r * d + j] = data.core.z[i * d + j];
      presence[r * d + j] = data.core.presence[i * d + j];
    }
    for (let q = 0; q < F; q++) features[r * F + q] = data.features[i * F + q];
  });
  return {
    n: m,
    w,
    cats: data.cats.map((c) => ({ ...c, x: Int16Array.from(idx, (i) => c.x[i]) })),
    core: { ...data.core, z, presence },
    sats: data.sats.map((s) => ({
      ...s,
      z: Float64Array.from(idx, (i) => s.z[i]),
      presence: Int8Array.from(idx, (i) => s.presence[i]),
    })),
    features,
    nFeatures: F,
  };
}
