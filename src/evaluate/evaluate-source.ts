import type { Row, Schema, WhereJson } from '../schema';
import { applicableOnly, auditPlausibility, computeDerived, plausibilityRulesFor, variableOf } from '../schema';
import { InvalidInputError } from '../errors';
import type { EvaluateTablesInput, WeightedRows } from './evaluate-tables';
import { evaluateTables } from './evaluate-tables';
import { stratumOf, stratumShares } from './fairness';
import { evalColumnsOf, toFrame } from './frame';
import type { AuditCount, PlausibilityLine, Report, ReportModelInfo } from './report';
import { rngFor, shuffledIndices } from './sampling';
import { dependentsOf } from './utility';

/**
 * The evaluation of a generator: sample it, set up the membership attacks (split the holdout into
 * a reference part for the DOMIAS reference density and a non-member part), optionally build a
 * balanced cohort, and hand everything to evaluateTables. The generator is a SyntheticSource so
 * that this file needs nothing of the model's internals (model-source.ts adapts a fitted Model).
 */

/** What the evaluation needs from a generator. */
export interface SyntheticSource {
  readonly info: ReportModelInfo;
  /** n rows (derived variables included) for a seed, optionally conditioned on a where. */
  sample(n: number, seed: number | string, where?: WhereJson): readonly Row[];
  /** log density of a row under the generator (white-box membership attacks). */
  logDensity?(row: Row): number;
  /** P(where) under the generator (population shares for importance weights). */
  probability?(where: WhereJson): number;
}

/** Fits a reference density of the generator's family on population rows (DOMIAS). */
export type ReferenceFitter = (rows: readonly Row[], weights: readonly number[] | undefined) => (row: Row) => number;

/** A balanced cohort to assess: uniform over the strata of `variables`, within `where`. */
export interface BalanceSpec {
  readonly variables: readonly string[];
  readonly size: number;
  readonly where?: WhereJson;
}

export interface EvaluateSourceInput {
  readonly schema: Schema;
  readonly source: SyntheticSource;
  readonly real: WeightedRows;
  readonly holdout?: WeightedRows;
  readonly n?: number;
  readonly seed: number | string;
  readonly referenceFitter?: ReferenceFitter;
  readonly balance?: BalanceSpec;
  readonly weightsName?: string | null;
  readonly split?: string | null;
  readonly notes?: readonly string[];
  readonly gbm?: boolean;
  /** Another survey cycle, for validation only (quality against it and the real ceiling). */
  readonly crossCycle?: WeightedRows & { readonly name: string };
  /** Further sampling seeds whose quality score is reported beside the main one (default 2). */
  readonly extraSeeds?: number;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/** Extra sampling seeds scored for quality: docs/MODEL.md "What the prototype measured" notes scores move ≈ 0.01 between seeds. */
export const DEFAULT_EXTRA_SEEDS = 2;

/** Share of the holdout that fits the DOMIAS reference density; the rest are the non-members. */
export const REFERENCE_SHARE = 0.5;

/** Evaluates a generator against real members and a holdout. */
export function evaluateSource(input: EvaluateSourceInput): Report {
  const { schema, source, seed } = input;
  const withDerived = (w: WeightedRows): WeightedRows => ({
    rows: w.rows.map((r) => computeDerived(schema, r)),
    ...(w.weights === undefined ? {} : { weights: w.weights }),
  });
  const real = withDerived(input.real);
  const holdout = input.holdout === undefined ? undefined : withDerived(input.holdout);
  const n = input.n ?? real.rows.length;
  input.onProgress?.('sampling', 0, 1);
  const synthetic = source.sample(n, seed);
  // Sampling noise: the quality score of a few more samples (other seeds) beside the main one.
  const extraSynthetic = Array.from({ length: input.extraSeeds ?? DEFAULT_EXTRA_SEEDS }, (_, k) => {
    const s = `${String(seed)}+${k + 1}`;
    return { seed: s, rows: source.sample(n, s) };
  });
  const notes = [...(input.notes ?? [])];

  let mia: EvaluateTablesInput['mia'];
  if (holdout !== undefined && source.logDensity !== undefined) {
    const logDensity = source.logDensity.bind(source);
    const order = shuffledIndices(holdout.rows.length, rngFor(seed, 'mia:reference-split'));
    const cut = input.referenceFitter === undefined ? 0 : Math.floor(holdout.rows.length * REFERENCE_SHARE);
    const refIdx = order.slice(0, cut).sort((a, b) => a - b);
    const nonMemberIndices = order.slice(cut).sort((a, b) => a - b);
    let reference: ((row: Row) => number) | undefined;
    if (input.referenceFitter !== undefined && refIdx.length > 0) {
      input.onProgress?.('reference density', 0, 1);
      const w = holdout.weights;
      reference = input.referenceFitter(
        refIdx.map((i) => input.holdout!.rows[i]),
        w === undefined ? undefined : refIdx.map((i) => w[i]),
      );
      notes.push(`DOMIAS reference density fitted on ${refIdx.length} holdout rows; the other ${nonMemberIndices.length} holdout rows are the non-member pool.`);
    }
    mia = { nonMemberIndices, densities: { model: logDensity, ...(reference === undefined ? {} : { reference }) } };
  }

  const realRows = [...input.real.rows, ...(input.holdout?.rows ?? [])];
  const plausibility = plausibilityAudit(schema, synthetic, realRows, input.crossCycle?.rows);
  const crossCycle = input.crossCycle === undefined ? undefined : { ...withDerived(input.crossCycle), name: input.crossCycle.name };

  let balancedCohort: EvaluateTablesInput['balancedCohort'];
  if (input.balance !== undefined) balancedCohort = buildBalancedCohort(input, holdout ?? real);

  const variables = new Set(schema.variables.map((v) => v.name));
  return evaluateTables({
    columns: evalColumnsOf(schema),
    privacyColumns: schema.variables.map((v) => v.name),
    real,
    ...(holdout === undefined ? {} : { holdout }),
    synthetic,
    extraSynthetic,
    seed,
    model: source.info,
    excludeForTask: (target) => (variables.has(target) ? dependentsOf(schema, target) : []),
    ...(mia === undefined ? {} : { mia }),
    ...(balancedCohort === undefined ? {} : { balancedCohort }),
    ...(input.gbm === undefined ? {} : { gbm: input.gbm }),
    plausibility,
    ...(crossCycle === undefined ? {} : { crossCycle }),
    weightsName: input.weightsName ?? null,
    split: input.split ?? null,
    notes,
    ...(input.onProgress === undefined ? {} : { onProgress: input.onProgress }),
  });
}

/**
 * A cohort balanced uniformly over the strata (every combination of the variables' categories):
 * exact allocation (largest remainder, ties to the earlier stratum), each stratum sampled
 * conditioned on where ∧ stratum, population shares from the generator's P(stratum | where) (or
 * the weighted real data when the generator cannot say).
 */
function buildBalancedCohort(
  input: EvaluateSourceInput,
  population: WeightedRows,
): NonNullable<EvaluateTablesInput['balancedCohort']> {
  const spec = input.balance!;
  const { schema, source } = input;
  const levels = spec.variables.map((name) => {
    const v = variableOf(schema, name);
    if (v.categories === undefined) {
      throw new InvalidInputError(`--balance: "${name}" is not categorical; balance needs categories`);
    }
    return v.categories.map((c) => [name, c] as const);
  });
  let strata: (readonly (readonly [string, string])[])[] = [[]];
  for (const l of levels) strata = strata.flatMap((s) => l.map((pair) => [...s, pair]));
  const k = strata.length;
  const base = Math.floor(spec.size / k);
  let extra = spec.size - base * k;
  const targets = new Map<string, number>();
  const shares = new Map<string, number>();
  const rows: Row[] = [];
  const whereP = source.probability?.(spec.where ?? {});
  const fallback = stratumShares(
    toFrame(evalColumnsOf(schema), population.rows, population.weights),
    spec.variables,
  );
  for (const s of strata) {
    const where: Record<string, WhereJson[string]> = { ...(spec.where ?? {}) };
    for (const [name, value] of s) where[name] = value;
    const label = stratumOf(Object.fromEntries(s), spec.variables);
    targets.set(label, 1 / k);
    const p = source.probability?.(where);
    shares.set(label, p !== undefined && whereP !== undefined && whereP > 0 ? p / whereP : (fallback.get(label) ?? 0));
    const count = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    if (count > 0) rows.push(...source.sample(count, `${String(input.seed)}:balance:${label}`, where));
  }
  return { rows, variables: spec.variables, targets, populationShares: shares };
}

/**
 * The plausibility rules on the synthetic rows and on the real ones (every real row, training and
 * holdout, as the model sees it: values the schema calls not applicable blanked, derived computed).
 */
function plausibilityAudit(schema: Schema, synthetic: readonly Row[], real: readonly Row[], other: readonly Row[] | undefined): PlausibilityLine[] {
  const rules = plausibilityRulesFor(schema);
  const asModelSees = (r: Row): Row => computeDerived(schema, applicableOnly(schema, r));
  const s = auditPlausibility(rules, synthetic);
  const r = auditPlausibility(rules, real.map(asModelSees));
  const o = other === undefined ? undefined : auditPlausibility(rules, other.map(asModelSees));
  const pick = (l: AuditCount): AuditCount => ({ violations: l.violations, per10k: l.per10k, checked: l.checked });
  return s.map((l, i) => ({
    id: l.id,
    description: l.description,
    source: l.source,
    synthetic: pick(l),
    real: pick(r[i]),
    ...(o === undefined ? {} : { crossCycle: pick(o[i]) }),
  }));
}
