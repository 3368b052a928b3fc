import { normCdf, normInv } from '../random';
import { isApplicable } from '../schema';
import type { Row, Variable } from '../schema';
import { NOT_APPLICABLE } from './em-types';
import type { EmCategorical, EmCore, EmSatellite } from './em-types';
import type { Layout } from './layout';
import { buildQuantileTransform, P_CLAMP } from './quantile-transform';
import type { QuantileTransform } from './quantile-transform';
import { buildYeoJohnsonTransform, prepareTransform } from './transform';
import type { PreparedTransform, Transform, TransformKind } from './transform';
import type { CategoricalEncoding, NumericEncoding } from './encode';

/**
 * The steps of encodeTable (encode.ts), one per role of a variable: categoricals (merge labels
 * under k records), core numerics (jitter within the reporting cell, transform to normal scores)
 * and satellites (the fraction of a parent, or the value itself). Each takes the rows, their
 * weights and the applicability of every slot.
 */

/** What every encoding step reads. */
export interface EncodeInput {
  readonly layout: Layout;
  readonly rows: readonly Row[];
  readonly w: Float64Array;
  /** applicable[slot][row]: the variable's appliesWhen holds on the row. */
  readonly applicable: readonly (readonly boolean[])[];
  readonly kFloor: number;
}

/** Applicability of every slot on every row. */
export function applicabilityOf(layout: Layout, rows: readonly Row[]): boolean[][] {
  return layout.slots.map((s) => rows.map((r) => isApplicable(s.variable, r)));
}

/** Grid step of reported values: 10^−decimals (0 when a variable has no decimals: a continuum). */
export function stepOf(v: Variable): number {
  return v.decimals === undefined ? 0 : 10 ** -v.decimals;
}

/**
 * The normal score of a reported value v under a quantile transform, dequantised in probability
 * (a randomised probability integral transform): uniform between F(v − h/2) and F(v + h/2), so
 * the scores of a cell follow N(0, 1) restricted to it (a top-code's scores fill the normal tail,
 * as the sampler's inverse expects). `offset` ∈ [0, h) is the row's uniform jitter.
 */
function randomisedScore(tr: PreparedTransform, v: number, h: number, offset: number): number {
  const a = normCdf(tr.forward(v - h / 2));
  const b = normCdf(tr.forward(v + h / 2));
  const u = a + (offset / h) * (b - a);
  return normInv(Math.min(1 - P_CLAMP, Math.max(P_CLAMP, u)));
}

function mergeTarget(
  v: Variable,
  label: string,
  kept: ReadonlySet<string>,
  counts: ReadonlyMap<string, number>,
): string | undefined {
  const cats = v.categories ?? [];
  if (kept.size === 0) return undefined;
  if (v.kind === 'ordinal') {
    // The nearest kept neighbour in order (the larger one on a tie).
    const i = cats.indexOf(label);
    for (let step = 1; step < cats.length; step++) {
      const below = cats[i - step];
      const above = cats[i + step];
      const b = below !== undefined && kept.has(below);
      const a = above !== undefined && kept.has(above);
      if (a && b) return (counts.get(above) ?? 0) >= (counts.get(below) ?? 0) ? above : below;
      if (a) return above;
      if (b) return below;
    }
    return undefined;
  }
  if (kept.has('other')) return 'other';
  let best: string | undefined;
  for (const c of cats)
    if (kept.has(c) && (best === undefined || (counts.get(c) ?? 0) > (counts.get(best) ?? 0))) best = c;
  return best;
}

/** Categoricals: labels under k records merged (mergeTarget), "missing" kept when ≥ k records. */
export function encodeCategoricals(input: EncodeInput): {
  cats: EmCategorical[];
  catEnc: CategoricalEncoding[];
} {
  const { layout, rows, applicable } = input;
  const n = rows.length;
  const k = input.kFloor;
  const catEnc: CategoricalEncoding[] = [];
  const cats: EmCategorical[] = layout.cats.map((s) => {
    const v = s.variable;
    const app = applicable[s.index];
    const counts = new Map<string, number>();
    let missing = 0;
    rows.forEach((r, i) => {
      if (!app[i]) return;
      const x = r[v.name];
      if (x === undefined) missing++;
      else counts.set(String(x), (counts.get(String(x)) ?? 0) + 1);
    });
    const kept = new Set((v.categories ?? []).filter((c) => (counts.get(c) ?? 0) >= k));
    const merged: Record<string, string> = {};
    for (const c of v.categories ?? []) {
      if (kept.has(c)) continue;
      const t = mergeTarget(v, c, kept, counts);
      if (t !== undefined) merged[c] = t;
    }
    const states = (v.categories ?? []).filter((c) => kept.has(c));
    const missingKept = missing >= k;
    const index = new Map(states.map((c, i) => [c, i]));
    const x = new Int16Array(n);
    rows.forEach((r, i) => {
      const val = r[v.name];
      if (!app[i]) x[i] = NOT_APPLICABLE;
      else if (val === undefined) x[i] = missingKept ? states.length : NOT_APPLICABLE;
      else {
        const label = String(val);
        const idx = index.get(label) ?? index.get(merged[label] ?? '');
        x[i] = idx ?? NOT_APPLICABLE;
      }
    });
    const suppressed = new Uint8Array(states.length + 1);
    if (!missingKept) suppressed[states.length] = 1;
    catEnc.push({ name: v.name, states, merged, missing: missingKept });
    return { states: states.length + 1, x, suppressed };
  });

  return { cats, catEnc };
}

/**
 * Core numerics: each value jittered within its reporting cell and mapped to a normal score by its
 * transform (randomised PIT for quantile transforms). `jitter` is called once per (variable, row).
 */
export function encodeCore(
  input: EncodeInput,
  transforms: Readonly<Record<string, TransformKind>> | undefined,
  jitter: () => number,
): { core: EmCore; coreEnc: NumericEncoding[] } {
  const { layout, rows, w, applicable } = input;
  const n = rows.length;
  const k = input.kFloor;
  const d = layout.core.length;
  const z = new Float64Array(n * d).fill(NaN);
  const presence = new Int8Array(n * d);
  const missingSuppressed = new Uint8Array(d);
  // Missing by design: variables measured on a random subsample (their own subsample weight).
  const sharedPresence = Uint8Array.from(layout.core, (s) =>
    s.variable.weight === 'weight_fasting_subsample' ? 1 : 0,
  );
  const coreEnc: NumericEncoding[] = [];
  layout.core.forEach((s, j) => {
    const v = s.variable;
    const app = applicable[s.index];
    const h = stepOf(v);
    const vals: number[] = [];
    const jittered: number[] = [];
    const wts: number[] = [];
    const t = new Float64Array(n).fill(NaN);
    let missing = 0;
    rows.forEach((r, i) => {
      const x = r[v.name];
      const jt = jitter();
      if (!app[i]) return;
      if (typeof x === 'number') {
        vals.push(x);
        t[i] = x + jt * h;
        jittered.push(t[i]);
        wts.push(w[i]);
      } else missing++;
    });
    let transform: Transform;
    const kind = transforms?.[v.name] ?? 'quantile';
    if (kind !== 'quantile' && vals.length > 0) {
      const lower = Math.min(...vals) - h / 2;
      const upper = Math.max(...vals) + h / 2;
      // 'linear' is Yeo-Johnson with λ = 1: the identity, standardised.
      transform = buildYeoJohnsonTransform(jittered, wts, lower, upper, kind === 'linear' ? 1 : undefined);
    } else transform = buildQuantileTransform(vals, wts, { step: h, minRecords: k });
    const missingKept = missing >= k;
    missingSuppressed[j] = missingKept ? 0 : 1;
    const prepared = prepareTransform(transform);
    rows.forEach((r, i) => {
      const x = r[v.name];
      if (!app[i]) presence[i * d + j] = NOT_APPLICABLE;
      else if (typeof x === 'number') {
        presence[i * d + j] = 1;
        z[i * d + j] =
          transform.kind === 'quantile' && h > 0
            ? randomisedScore(prepared, x, h, t[i] - x + h / 2)
            : prepared.forward(t[i]);
      } else presence[i * d + j] = missingKept ? 0 : NOT_APPLICABLE;
    });
    coreEnc.push({ name: v.name, transform, missing: missingKept });
  });

  const fixedZeroEffect = Uint8Array.from(layout.coreIsGate, (g) => (g ? 1 : 0));
  return { core: { d, z, presence, fixedZeroEffect, missingSuppressed, sharedPresence }, coreEnc };
}

/**
 * Satellites: a capped value as the fraction value/parent ∈ [0, 1] (any fraction whose product
 * reports the value), else the jittered value; `jitter` is called once per (variable, row).
 */
export function encodeSatellites(
  input: EncodeInput,
  jitter: () => number,
): { sats: EmSatellite[]; satEnc: NumericEncoding<QuantileTransform>[] } {
  const { layout, rows, w, applicable } = input;
  const n = rows.length;
  const k = input.kFloor;
  const satEnc: NumericEncoding<QuantileTransform>[] = [];
  const sats: EmSatellite[] = layout.sats.map((s, q) => {
    const v = s.variable;
    const app = applicable[s.index];
    const h = stepOf(v);
    const parentSlot = layout.satParent[q];
    const parentName = parentSlot >= 0 ? layout.core[parentSlot].variable.name : undefined;
    const t = new Float64Array(n).fill(NaN);
    let missing = 0;
    rows.forEach((r, i) => {
      const x = r[v.name];
      const jt = jitter();
      if (!app[i]) return;
      if (typeof x !== 'number') {
        missing++;
        return;
      }
      if (parentName === undefined) {
        t[i] = x + jt * h;
        return;
      }
      const parent = r[parentName];
      if (typeof parent !== 'number') return;
      // value = round(u · parent): any u·parent in [x − h/2, x + h/2) ∩ [0, parent] reports x.
      const lo = Math.max(0, x - h / 2);
      const hi = Math.min(parent, x + h / 2);
      const val = hi > lo ? lo + (jt + 0.5) * (hi - lo) : Math.min(x, parent);
      t[i] = parent > 0 ? Math.min(1, Math.max(0, val / parent)) : 0.5;
    });
    const vals: number[] = [];
    const wts: number[] = [];
    const plain: number[] = [];
    rows.forEach((r, i) => {
      if (Number.isNaN(t[i])) return;
      vals.push(parentName === undefined ? (r[v.name] as number) : t[i]);
      wts.push(w[i]);
      plain.push(i);
    });
    const transform =
      parentName === undefined
        ? buildQuantileTransform(vals, wts, { step: h, minRecords: k })
        : buildQuantileTransform(vals, wts, { step: 0, minRecords: k, lower: 0, upper: 1 });
    const missingKept = missing >= k;
    const prepared = prepareTransform(transform);
    const zs = new Float64Array(n).fill(NaN);
    const pres = new Int8Array(n);
    rows.forEach((r, i) => {
      if (!app[i]) pres[i] = NOT_APPLICABLE;
      else if (!Number.isNaN(t[i])) {
        pres[i] = 1;
        zs[i] = prepared.forward(t[i]);
      } else pres[i] = missingKept && typeof r[v.name] !== 'number' ? 0 : NOT_APPLICABLE;
    });
    satEnc.push({
      name: v.name,
      transform,
      missing: missingKept,
      ...(parentName === undefined ? {} : { parent: parentName }),
    });
    return { z: zs, presence: pres, missingSuppressed: !missingKept, parentDim: parentSlot };
  });

  return { sats, satEnc };
}
