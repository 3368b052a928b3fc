import { InvalidInputError } from '../errors';
import { streamFor } from '../random';
import type { Rng } from '../random';
import type { Schema, Table } from '../schema';
import { encodeTable, stepOf, subsetData } from './encode';
import type { Encoding } from './encode';
import { meanLogLikelihood, parameterCount, runEm } from './em';
import type { EmData, EmParams, EmStratum } from './em-types';
import { DEFAULT_DRIVERS } from './layout';
import { calibrateMarginals } from './calibrate';
import { buildModel, roundNumbers } from './model';
import type { Model } from './model';
import type { ModelParams } from './model-format';
import { prepareTransform } from './transform';
import type { TransformKind } from './transform';

/**
 * Rows that get components of their own: a categorical state (`label`), or values of a core
 * continuous variable below a reported value (`below`: age_years below 18 = children).
 */
export type StratumSpec =
  | { readonly variable: string; readonly label: string; readonly share: number }
  | { readonly variable: string; readonly below: number; readonly share: number };

/** Options of fit(); see docs/CONTRACTS.md "model/". */
export interface FitOptions {
  /** Survey weight column (e.g. weight_exam); rows with weight 0 are left out. */
  readonly weights?: string;
  readonly seed: number | string;
  /** Candidate numbers of components; several → chosen by held-out log-likelihood. */
  readonly components?: readonly number[];
  /** k: fewest records behind a category, a component or a quantile interval (default 10). */
  readonly kFloor?: number;
  /** Categoricals whose levels shift the continuous means (default sex, race_ethnicity). */
  readonly drivers?: readonly string[];
  readonly maxIterations?: number;
  /** Marginal transform per core variable (default DEFAULT_TRANSFORMS, else quantile). */
  readonly transforms?: Readonly<Record<string, TransformKind>>;
  /**
   * Categorical states whose rows get components of their own (default DEFAULT_STRATA); [] for
   * none. Each takes `share` of the components, crossed with the others.
   */
  readonly strata?: readonly StratumSpec[];
  readonly onProgress?: (p: { stage: string; done: number; total: number }) => void;
}

export interface FitResult {
  readonly model: Model;
  readonly k: number;
  /** Weighted log-likelihood of the training rows (normal-score space). */
  readonly logLikelihood: number;
  readonly bic: number;
  readonly iterations: number;
  readonly candidates: readonly { readonly k: number; readonly heldOutLogLikelihood: number }[];
}

/**
 * Default candidate K: the prototype's held-out likelihood chose 20 (docs/MODEL.md "What the prototype measured"); a
 * single default keeps the default fit within the time goal. Pass several to select.
 */
export const DEFAULT_COMPONENTS: readonly number[] = [20];
/** Default k of k-anonymity (docs/MODEL.md "The contract"). */
export const DEFAULT_K_FLOOR = 10;
export const DEFAULT_MAX_ITERATIONS = 150;
/** EM stops when the mean log-likelihood per weighted row gains less than this per iteration. */
export const EM_TOLERANCE = 1e-5;
/**
 * Default strata: diagnosed diabetes (HbA1c, glucose) and diagnosed hypertension (blood pressure)
 * — the strongest categorical-continuous links in NHANES, which shared components blur (measured:
 * diabetics' mean HbA1c −0.83 SD without the stratum, 0.00 with it). Shares exceed prevalence
 * (8%, 30% of adults) because these groups are more varied. Children (age under 18) get components
 * and driver effects of their own: with adults' sex/race effects a 6-7-year-old boy came out
 * 21 cm taller than a girl (real: 0) and a third of children 2-9 sat over 3 SD from their age's
 * height (real: 0.5%; 3-8% with the stratum and a linear height scale).
 */
export const DEFAULT_STRATA: readonly StratumSpec[] = [
  { variable: 'diabetes_dx', label: 'yes', share: 0.2 },
  { variable: 'hypertension_dx', label: 'yes', share: 0.35 },
  { variable: 'age_years', below: 18, share: 0.3 },
];
/**
 * Yeo-Johnson for the HbA1c / fasting glucose pair: their correlation lives in the joint right
 * tail (undiagnosed and uncontrolled diabetes), which normal scores compress (measured: weighted
 * Pearson r 0.83 real; 0.62 synthetic with normal scores).
 */
export const DEFAULT_TRANSFORMS: Readonly<Record<string, TransformKind>> = {
  hba1c_percent: 'linear',
  fasting_glucose_mg_dl: 'linear',
  // Children's heights and weights sit in the population's lower tail, which normal scores stretch
  // (25-30 cm per unit at age 2-6 against 8 cm for adults), so a class's linear age-height
  // relation and its noise came out 2-3× too wide there; near-normal adult heights lose nothing.
  body_height_cm: 'linear',
  body_weight_kg: 'yeo-johnson',
};
/** Share of rows held out to choose K when several candidates are given. */
export const HOLDOUT_FRACTION = 0.2;

function fitStream(seed: string, index: number, part: string): Rng {
  return streamFor({ modelHash: 'fit', cohortId: seed, index, part });
}

function holdoutSplit(n: number, rng: Rng): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (rng.next() < HOLDOUT_FRACTION ? test : train).push(i);
  return { train, test };
}

function toParams(enc: Encoding, em: EmParams, data: EmData, summary: ModelParams['fit']): ModelParams {
  const K = em.k;
  const d = data.core.d;
  const F = data.nFeatures;
  const rowsOf = (a: Float64Array, width: number): number[][] =>
    Array.from({ length: a.length / width }, (_, r) => Array.from(a.subarray(r * width, (r + 1) * width)));
  const packed: number[][] = [];
  for (let k = 0; k < K; k++) {
    const row: number[] = [];
    for (let a = 0; a < d; a++) for (let c = 0; c <= a; c++) row.push(em.cov[k * d * d + a * d + c]);
    packed.push(row);
  }
  const params: ModelParams = {
    k: K,
    weights: Array.from(em.pi),
    categorical: enc.cats.map((c, i) => ({
      name: c.name,
      states: c.states,
      merged: c.merged,
      probs: rowsOf(em.catProbs[i], c.states.length + 1),
    })),
    core: {
      names: enc.core.map((c) => c.name),
      transforms: enc.core.map((c) => c.transform),
      presence: rowsOf(em.corePresence, d),
      mean: rowsOf(em.mean, d),
      cov: packed,
      drivers: {
        variables: enc.drivers,
        features: enc.features,
        effects: F === 0 ? Array.from({ length: d }, () => []) : rowsOf(em.effects.subarray(0, d * F), F),
        ...(em.effectSet.includes(1)
          ? {
              stratumEffects: {
                components: Array.from({ length: K }, (_, k) => k).filter((k) => em.effectSet[k] === 1),
                effects: F === 0 ? Array.from({ length: d }, () => []) : rowsOf(em.effects.subarray(d * F, 2 * d * F), F),
              },
            }
          : {}),
      },
    },
    satellites: enc.sats.map((s, q) => ({
      name: s.name,
      ...(s.parent === undefined ? {} : { parent: s.parent }),
      transform: s.transform,
      presence: Array.from(em.satPresence[q]),
      mean: Array.from(em.satMean[q]),
      sd: Array.from(em.satSd[q]),
      ...(s.parent === undefined ? {} : { slope: Array.from(em.satSlope[q]) }),
    })),
    fit: summary,
  };
  return roundNumbers(params);
}

/**
 * Fits the mixture to a table: encode (weights, merges, transforms), EM for each candidate K
 * (held-out log-likelihood picks one when there are several), final EM on all rows, rounding, hash.
 * Same table, schema and options → same model hash.
 */
export function fit(table: Table, schema: Schema, options: FitOptions): FitResult {
  const seed = String(options.seed);
  const kFloor = options.kFloor ?? DEFAULT_K_FLOOR;
  if (!Number.isInteger(kFloor) || kFloor < 1) throw new InvalidInputError(`kFloor must be a positive integer, got ${kFloor}`);
  const components = options.components ?? DEFAULT_COMPONENTS;
  if (components.length === 0 || components.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new InvalidInputError(`components must be positive integers, got ${JSON.stringify(components)}`);
  }
  if (options.weights !== undefined && !table.columns.includes(options.weights)) {
    throw new InvalidInputError(`weight column "${options.weights}" is not in the data (columns: ${table.columns.join(', ')})`);
  }
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const progress = options.onProgress;
  progress?.({ stage: 'encode', done: 0, total: 1 });
  const { data, encoding } = encodeTable(
    table,
    schema,
    { weights: options.weights, kFloor, drivers: options.drivers ?? DEFAULT_DRIVERS, transforms: options.transforms ?? DEFAULT_TRANSFORMS },
    fitStream(seed, 0, 'dequantize'),
  );
  progress?.({ stage: 'encode', done: 1, total: 1 });
  const strata: EmStratum[] = [];
  const specs = options.strata ?? DEFAULT_STRATA;
  if (specs.filter((spec) => 'below' in spec).length > 1) {
    throw new InvalidInputError(`at most one stratum may be a range ("below"), got ${JSON.stringify(specs)}`);
  }
  for (const spec of specs) {
    const slot = encoding.layout.byName.get(spec.variable);
    if (slot === undefined) continue;
    if ('below' in spec) {
      if (slot.role !== 'core') continue;
      // Reported values below `below` are the unrounded ones below its cell's lower edge.
      const step = stepOf(slot.variable);
      const below = prepareTransform(encoding.core[slot.slot].transform).forward(spec.below - step / 2);
      strata.push({ cat: -1, state: -1, share: spec.share, dim: slot.slot, below });
      continue;
    }
    if (slot.role !== 'cat') continue;
    const state = encoding.cats[slot.slot].states.indexOf(spec.label);
    if (state >= 0) strata.push({ cat: slot.slot, state, share: spec.share });
  }
  const candidates: { k: number; heldOutLogLikelihood: number }[] = [];
  let chosen = components[0];
  if (components.length > 1) {
    const { train, test } = holdoutSplit(data.n, fitStream(seed, 0, 'holdout'));
    const trainData = subsetData(data, train);
    const testData = subsetData(data, test);
    let best = -Infinity;
    for (const k of components) {
      const st = runEm(
        trainData,
        {
          k,
          maxIterations,
          tolerance: EM_TOLERANCE,
          kFloor,
          strata,
          onIteration: (it) => progress?.({ stage: `select K=${k}`, done: it + 1, total: maxIterations }),
        },
        fitStream(seed, k, 'em-init'),
      );
      const ll = meanLogLikelihood(testData, st.params, strata);
      candidates.push({ k, heldOutLogLikelihood: ll });
      if (ll > best) {
        best = ll;
        chosen = k;
      }
    }
  }
  const st = runEm(
    data,
    {
      k: chosen,
      maxIterations,
      tolerance: EM_TOLERANCE,
      kFloor,
      strata,
      onIteration: (it) => progress?.({ stage: 'em', done: it + 1, total: maxIterations }),
    },
    fitStream(seed, chosen, 'em-init'),
  );
  const nParams = parameterCount(data, st.params);
  const bic = -2 * st.logLikelihood + nParams * Math.log(data.n);
  const params = toParams(encoding, st.params, data, {
    seed,
    weights: options.weights ?? null,
    rows: encoding.rows,
    effectiveRecords: encoding.effectiveRecords,
    kFloor,
    logLikelihood: st.logLikelihood,
    bic,
    iterations: st.iterations,
    candidates,
  });
  progress?.({ stage: 'calibrate', done: 0, total: 1 });
  const calibrated = roundNumbers(calibrateMarginals(schema, params, seed));
  progress?.({ stage: 'done', done: 1, total: 1 });
  return {
    model: buildModel(schema, calibrated),
    k: st.params.k,
    logLikelihood: st.logLikelihood,
    bic,
    iterations: st.iterations,
    candidates,
  };
}
