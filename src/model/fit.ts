import { InvalidInputError } from '../errors';
import { normCdf, normPdf, streamFor } from '../random';
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
  | {
      readonly variable: string;
      /** Reported values in [from, below) (from: −∞ when absent, below: +∞ when Infinity). */
      readonly below: number;
      readonly from?: number;
      readonly share: number;
      /**
       * Cross the categorical strata inside the band's components (true), only those on the named
       * variables, or none (default false: unbound).
       */
      readonly crossed?: boolean | readonly string[];
      /** Driver effects of the band's own (default: when not crossed; children). */
      readonly ownEffects?: boolean;
    };

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
/** Age bands of BANDED_STRATA: [from, below) in years, components (of BANDED_COMPONENTS), crossed. */
const AGE_BANDS: readonly (readonly [number | undefined, number, number, boolean])[] = [
  [undefined, 2, 1, false],
  [2, 6, 1, false],
  [6, 10, 1, false],
  [10, 14, 2, false],
  [14, 18, 2, false],
  [18, 60, 8, true],
  [60, Infinity, 7, true],
];
/** Components for BANDED_STRATA (21 kept on NHANES 2015-2016). */
export const BANDED_COMPONENTS: readonly number[] = [22];
/**
 * Age-banded strata (issue 12 §2; not the default yet, see src/model/README.md "Known gaps"):
 * every component pure in one age band and its age truncated to it (model-format `core.bands`),
 * so a class's categorical law is its band's and children's height follows age within 4 years.
 * Diabetes at share 0.35 gives the adult bands two diabetic classes per hypertension state.
 * Children's bands leave the diagnosis strata unbound and keep their own driver effects; adults'
 * cross them. Measured on NHANES 2015-2016 (fit with these, K = 22): children's height SD ratio
 * per 2-year band 1.05-1.29 (default 1.39-1.67), smokers 65+ 1.42× (1.82×), heart-attack age
 * 63.0 (62.5; real 66.3); every trust-report goal met (DOMIAS 0.549) but the statistical subgroup
 * "HbA1c 6.5+" misses its tolerance (0.272 SD against 0.263).
 */
export const BANDED_STRATA: readonly StratumSpec[] = [
  { variable: 'diabetes_dx', label: 'yes', share: 0.35 },
  { variable: 'hypertension_dx', label: 'yes', share: 0.35 },
  ...AGE_BANDS.map(([from, below, n, crossed]) => ({
    variable: 'age_years',
    ...(from === undefined ? {} : { from }),
    below,
    share: n / BANDED_COMPONENTS[0],
    ...(crossed ? { crossed } : {}),
  })),
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

/**
 * The (μ, σ²) of a normal whose truncation to [a, b) has mean m and variance v (moment matching,
 * which is the truncated normal's maximum likelihood: an exponential family on a fixed set).
 * Fixed-point iteration; σ is capped at 10 band widths (data nearly uniform over a bounded band).
 * See: Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, §10.1.
 */
export function untruncatedMoments(m: number, v: number, a: number, b: number): { mu: number; variance: number } {
  let mu = m;
  let s = Math.sqrt(v);
  const cap = Number.isFinite(b - a) ? 10 * (b - a) : Infinity;
  for (let it = 0; it < 500; it++) {
    const al = (a - mu) / s;
    const be = (b - mu) / s;
    const Z = normCdf(be) - normCdf(al);
    if (!(Z > 1e-12)) break;
    const pa = Number.isFinite(al) ? normPdf(al) : 0;
    const pb = Number.isFinite(be) ? normPdf(be) : 0;
    const lambda = (pa - pb) / Z;
    const tm = mu + s * lambda;
    const tv = s * s * (1 + ((Number.isFinite(al) ? al * pa : 0) - (Number.isFinite(be) ? be * pb : 0)) / Z - lambda * lambda);
    if (!(tv > 0)) break;
    const dm = m - tm;
    const ratio = Math.sqrt(v / tv);
    mu += dm;
    s = Math.min(cap, s * ratio);
    if (Math.abs(dm) < 1e-10 * Math.sqrt(v) && Math.abs(ratio - 1) < 1e-10) break;
  }
  // Numerically hopeless (a band far in the normal's tail): keep the fitted normal.
  if (!(Number.isFinite(mu) && s > 0 && Number.isFinite(s))) return { mu: m, variance: v };
  return { mu, variance: s * s };
}

/**
 * Banded components (score strata: age bands): each component's band, and its normal made the
 * untruncated one whose truncation to the band has the moments EM fitted on the band's rows; the
 * other scores keep their regression on the banded score and residual covariance, so only the
 * banded score's own law changes (em.mean and em.cov are updated in place).
 */
function bandsOf(enc: Encoding, em: EmParams, data: EmData, strata: readonly EmStratum[]): ModelParams['core']['bands'] {
  const S = strata.length;
  const bands = strata.map((st, s) => (st.cat < 0 && st.valueRange !== undefined ? s : -1)).filter((s) => s >= 0);
  if (bands.length === 0) return undefined;
  const dim = strata[bands[0]].dim ?? 0;
  const K = em.k;
  const d = data.core.d;
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  for (let k = 0; k < K; k++) {
    const s = bands.find((b) => em.group[k * S + b] === 1);
    const st = s === undefined ? undefined : strata[s];
    const range = st?.valueRange;
    lo.push(range === undefined || range[0] === -Infinity ? null : range[0]);
    hi.push(range === undefined || range[1] === Infinity ? null : range[1]);
    if (st === undefined) continue;
    const za = st.above ?? -Infinity;
    const zb = st.below ?? Infinity;
    const c = k * d * d;
    const m = em.mean[k * d + dim];
    const v = em.cov[c + dim * d + dim];
    if (!(v > 0)) continue;
    const { mu, variance } = untruncatedMoments(m, v, za, zb);
    const beta = Float64Array.from({ length: d }, (_, r) => (r === dim ? 1 : em.cov[c + r * d + dim] / v));
    for (let r = 0; r < d; r++) {
      em.mean[k * d + r] += beta[r] * (mu - m);
      for (let q = 0; q < d; q++) em.cov[c + r * d + q] += beta[r] * beta[q] * (variance - v);
    }
  }
  if (lo.every((x) => x === null) && hi.every((x) => x === null)) return undefined;
  return { variable: enc.core[dim].name, lo, hi };
}

function toParams(enc: Encoding, em: EmParams, data: EmData, summary: ModelParams['fit'], strata: readonly EmStratum[] = []): ModelParams {
  const K = em.k;
  const d = data.core.d;
  const bands = bandsOf(enc, em, data, strata);
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
      ...(bands === undefined ? {} : { bands }),
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
  const ranges = specs.filter((spec) => 'below' in spec);
  const disjoint = ranges.every((a, i) =>
    ranges.every((b, j) => j <= i || a.variable !== b.variable || a.below <= (b.from ?? -Infinity) || b.below <= (a.from ?? -Infinity)),
  );
  if (new Set(ranges.map((spec) => spec.variable)).size > 1 || !disjoint) {
    throw new InvalidInputError(`range strata ("below") must be disjoint bands of one variable, got ${JSON.stringify(specs)}`);
  }
  for (const spec of specs) {
    const slot = encoding.layout.byName.get(spec.variable);
    if (slot === undefined) continue;
    if ('below' in spec) {
      if (slot.role !== 'core') continue;
      // Reported values below `below` are the unrounded ones below its cell's lower edge.
      const step = stepOf(slot.variable);
      const tr = prepareTransform(encoding.core[slot.slot].transform);
      const below = spec.below === Infinity ? Infinity : tr.forward(spec.below - step / 2);
      const above = spec.from === undefined ? undefined : tr.forward(spec.from - step / 2);
      strata.push({
        cat: -1,
        state: -1,
        share: spec.share,
        dim: slot.slot,
        below,
        ...(above === undefined ? {} : { above }),
        ...(typeof spec.crossed === 'boolean' ? { crossed: spec.crossed } : {}),
        ...(typeof spec.crossed === 'object'
          ? { crossWith: spec.crossed.flatMap((name: string) => { const x = encoding.layout.byName.get(name); return x?.role === 'cat' ? [x.slot] : []; }) }
          : {}),
        ...(spec.ownEffects === undefined ? {} : { ownEffects: spec.ownEffects }),
        // Bands (truncation in the model file, the band's own covariance prior) when the range
        // strata are bands: two or more, or one with a lower edge. A lone "below" stratum
        // (children under 18) keeps its first meaning: own components, no truncation.
        ...(ranges.length > 1 || spec.from !== undefined
          ? { valueRange: [spec.from === undefined ? -Infinity : spec.from - step / 2, spec.below === Infinity ? Infinity : spec.below - step / 2] as const }
          : {}),
      });
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
  }, strata);
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
