import type { Row } from '../schema';
import { computeDetection, DETECTION_AUC } from './detection';
import type { BalancedCohortFairness } from './fairness';
import { balancedCohortFairness, meanRepresentationGap, representation, stratumOf } from './fairness';
import type { EvalColumn, Frame } from './frame';
import { subsetFrame, toFrame } from './frame';
import { CONTINGENCY_SIMILARITY } from './metrics/contingency-similarity';
import { CORRELATION_SIMILARITY } from './metrics/correlation-similarity';
import { KS_COMPLEMENT } from './metrics/ks-complement';
import { MISSING_RATE_DIFFERENCE } from './metrics/missing-rate';
import { TV_COMPLEMENT } from './metrics/tv-complement';
import type { DcrResult } from './privacy/dcr';
import { computeDcr, DCR_RATIO } from './privacy/dcr';
import { EXACT_MATCH_RATE, exactMatchRate } from './privacy/exact-match';
import type { DensityFunctions } from './privacy/mia';
import { computeMia, MIA_AUC } from './privacy/mia';
import { computeQuality } from './quality';
import { correlationMatrices, pairMatrix, subgroupQuality } from './quality-summaries';
import type { CrossCycleQuality, PlausibilityLine, Report, ReportModelInfo } from './report';
import { goalsOf, REPORT_FORMAT_VERSION, roundReport } from './report';
import { rngFor, sampleIndices, shuffledIndices } from './sampling';
import type { UtilityTask } from './utility';
import { computeUtility, DEFAULT_TASKS, UTILITY_GAP } from './utility';

/**
 * The evaluation engine on plain tables: members (the rows the model was fitted on), a holdout it
 * never saw, and synthetic rows. Every number is computed twice: synthetic against real, and the
 * ceiling — real data in the synthetic data's place, independent of what it is compared with
 * (training rows against the holdout for fidelity, detection and utility; holdout rows against the
 * training rows for privacy) — so a reader sees what a perfect generator would score on this data.
 */

/** Subgroups of the per-subgroup fidelity and utility tables (issue 5 §2: race_ethnicity × sex). */
export const DEFAULT_SUBGROUP_VARIABLES = ['race_ethnicity', 'sex'] as const;
/** Non-members (and as many members) in the membership-inference attacks: AUC s.e. ≈ 0.013 at 1000 each. */
export const MIA_MAX_ROWS = 1000;

export interface WeightedRows {
  readonly rows: readonly Row[];
  readonly weights?: ArrayLike<number>;
}

export interface EvaluateTablesInput {
  readonly columns: readonly EvalColumn[];
  /** Columns for distances and exact matches (the model's variables; derived ones add nothing). */
  readonly privacyColumns?: readonly string[];
  readonly real: WeightedRows;
  readonly holdout?: WeightedRows;
  readonly synthetic: readonly Row[];
  /** Samples from other seeds: only their quality scores are reported (sampling noise). */
  readonly extraSynthetic?: readonly { readonly seed: string; readonly rows: readonly Row[] }[];
  readonly seed: number | string;
  readonly model: ReportModelInfo;
  readonly tasks?: readonly UtilityTask[];
  readonly excludeForTask?: (target: string) => readonly string[];
  readonly subgroupVariables?: readonly string[];
  /** Holdout indices used as non-members; the rest were used to fit `densities.reference`. */
  readonly mia?: { readonly nonMemberIndices: readonly number[]; readonly densities?: DensityFunctions };
  readonly balancedCohort?: {
    readonly rows: readonly Row[];
    readonly variables: readonly string[];
    readonly targets: ReadonlyMap<string, number>;
    readonly populationShares: ReadonlyMap<string, number>;
  };
  readonly gbm?: boolean;
  /** Plausibility audit lines, copied into the report (computed where the schema is known). */
  readonly plausibility?: readonly PlausibilityLine[];
  /** Rows of another survey cycle (validation only): quality against them, with a real ceiling. */
  readonly crossCycle?: WeightedRows & { readonly name: string };
  readonly weightsName?: string | null;
  readonly split?: string | null;
  readonly notes?: readonly string[];
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/** Stages reported through onProgress, in order. */
export const EVALUATE_STAGES = ['fidelity', 'subgroups', 'detection', 'utility', 'privacy', 'fairness'] as const;

/** Runs every metric and its ceiling; returns the rounded report (goals included). */
export function evaluateTables(input: EvaluateTablesInput): Report {
  const progress = (i: number): void => input.onProgress?.(EVALUATE_STAGES[i] ?? 'done', i, EVALUATE_STAGES.length);
  const cols = input.columns;
  const names = cols.map((c) => c.name);
  const privacyColumns = input.privacyColumns ?? names;
  const notes = [...(input.notes ?? [])];
  let train: Frame = toFrame(cols, input.real.rows, input.real.weights);
  let holdout: Frame;
  const haveHoldout = input.holdout !== undefined;
  if (input.holdout !== undefined) {
    holdout = toFrame(cols, input.holdout.rows, input.holdout.weights);
  } else {
    // No holdout: a seeded 80/20 split of the real rows stands in for fidelity, detection and
    // utility; privacy has no non-members, so its baselines and attacks are skipped.
    const order = shuffledIndices(train.n, rngFor(input.seed, 'no-holdout-split'));
    const cut = Math.round(train.n * 0.8);
    const all = train;
    train = subsetFrame(all, order.slice(0, cut).sort((a, b) => a - b));
    holdout = subsetFrame(all, order.slice(cut).sort((a, b) => a - b));
    notes.push('No holdout given: a seeded 80/20 split of --real stands in for the holdout; the model saw both parts, so privacy baselines and membership attacks are not computed.');
  }
  const synthetic = toFrame(cols, input.synthetic);
  const subgroupVars = (input.subgroupVariables ?? DEFAULT_SUBGROUP_VARIABLES).filter((v) => names.includes(v));

  progress(0);
  const q = computeQuality(holdout, synthetic);
  const qc = computeQuality(holdout, train, { plots: false });
  // SDMetrics' usual reference is the training data itself: kept beside, for comparison with
  // published scores (its ceiling swaps the roles: the holdout scored against the training rows).
  const qt = computeQuality(train, synthetic, { plots: false });
  const qtc = computeQuality(train, holdout, { plots: false });
  const extraFrames = (input.extraSynthetic ?? []).map((e) => ({ seed: e.seed, frame: toFrame(cols, e.rows) }));
  const acrossSeeds = [
    { seed: String(input.seed), score: q.score },
    ...extraFrames.map((e) => ({ seed: e.seed, score: computeQuality(holdout, e.frame, { plots: false }).score })),
  ];

  progress(1);
  const groups = subgroupQuality(holdout, synthetic, train, subgroupVars);

  progress(2);
  const detection = computeDetection(holdout, synthetic, { seed: input.seed, columns: names, gbm: input.gbm });
  const detectionCeiling = computeDetection(holdout, train, { seed: input.seed, columns: names, gbm: input.gbm });

  progress(3);
  const tasks = (input.tasks ?? DEFAULT_TASKS).filter((t) => names.includes(t.target));
  const utilityTasks = computeUtility(train, synthetic, holdout, {
    tasks,
    exclude: input.excludeForTask ?? ((): string[] => []),
    extraSynthetic: extraFrames,
    seed: String(input.seed),
    ...(subgroupVars.length > 0 ? { subgroupOf: (row: Row): string => stratumOf(row, subgroupVars) } : {}),
  });

  progress(4);
  const exact = exactMatchRate(synthetic, train, privacyColumns);
  const exactCeiling = exactMatchRate(holdout, train, privacyColumns);
  let dcr: DcrResult | null = null;
  let dcrCeiling = NaN;
  let mia: Report['privacy']['mia'] = [];
  let miaCeiling: { attack: string; auc: number }[] = [];
  if (haveHoldout) {
    dcr = computeDcr(synthetic, train, holdout, privacyColumns, input.seed);
    // Rows with zero survey weight never influenced a weighted fit, so they are not members in any
    // useful sense; both pools keep only positive weights so they stay alike.
    const allNon = input.mia?.nonMemberIndices ?? holdout.rows.map((_, i) => i);
    const nonSet = new Set(allNon);
    const refIdx = holdout.rows.map((_, i) => i).filter((i) => !nonSet.has(i));
    const nonIdx = allNon.filter((i) => holdout.weights[i] > 0);
    const memberIdx = train.rows.map((_, i) => i).filter((i) => train.weights[i] > 0);
    const m = Math.min(MIA_MAX_ROWS, nonIdx.length, memberIdx.length);
    const chosen = sampleIndices(nonIdx.length, m, rngFor(input.seed, 'mia:non-members')).map((k) => nonIdx[k]);
    const nonMembers = subsetFrame(holdout, chosen);
    const members = subsetFrame(
      train,
      sampleIndices(memberIdx.length, m, rngFor(input.seed, 'mia:members')).map((k) => memberIdx[k]),
    );
    mia = computeMia(members, nonMembers, synthetic, privacyColumns, input.mia?.densities);
    // Ceiling: real rows the model never saw play the synthetic data (the reference part of the
    // holdout when one was set aside, else the holdout rows outside the non-member sample).
    const chosenSet = new Set(chosen);
    const stand = refIdx.length > 0 ? refIdx : holdout.rows.map((_, i) => i).filter((i) => !chosenSet.has(i));
    const standIn = subsetFrame(holdout, stand);
    if (standIn.n > 0) {
      miaCeiling = computeMia(members, nonMembers, standIn, privacyColumns).map((r) => ({ attack: r.attack, auc: r.auc }));
    }
    // The likelihood attack's ceiling: the reference density (fitted on neither members nor
    // non-members) in the model's place. DOMIAS against itself is 0.5 by construction: omitted.
    const ref = input.mia?.densities?.reference;
    if (ref !== undefined) {
      const refOnly = computeMia(members, nonMembers, standIn.n > 0 ? standIn : synthetic, privacyColumns, { model: ref });
      const lik = refOnly.find((r) => r.attack === 'likelihood');
      if (lik !== undefined) miaCeiling.push({ attack: 'likelihood', auc: lik.auc });
    }
    const half = shuffledIndices(holdout.n, rngFor(input.seed, 'dcr:ceiling-halves'));
    const h = Math.floor(holdout.n / 2);
    const a = subsetFrame(holdout, half.slice(0, h).sort((x, y) => x - y));
    const b = subsetFrame(holdout, half.slice(h).sort((x, y) => x - y));
    dcrCeiling = computeDcr(a, train, b, privacyColumns, input.seed).dcrRatio;
  }

  progress(5);
  const rep = representation(holdout, synthetic, subgroupVars);
  let balanced: BalancedCohortFairness | undefined;
  if (input.balancedCohort !== undefined) {
    const bc = input.balancedCohort;
    balanced = balancedCohortFairness(holdout, bc.rows, bc.variables, bc.targets, bc.populationShares);
  }
  progress(6);

  const crossCycle = input.crossCycle === undefined ? undefined : crossCycleQuality(cols, input.crossCycle, synthetic, train);
  const ceilingByColumn = new Map(qc.columns.map((c) => [c.name, c.score]));
  const body: Omit<Report, 'goals' | 'metrics'> = {
    formatVersion: REPORT_FORMAT_VERSION,
    title: 'synthfhir trust report',
    model: input.model,
    n: synthetic.n,
    seed: input.seed,
    data: {
      realRows: train.n,
      holdoutRows: holdout.n,
      syntheticRows: synthetic.n,
      weights: input.weightsName ?? null,
      columns: names,
      split: input.split ?? null,
      reference: haveHoldout ? 'holdout' : 'seeded 80/20 split of --real',
    },
    quality: {
      score: q.score,
      columnShapes: q.columnShapes,
      columnPairs: q.columnPairs,
      columns: q.columns.map((c) => ({ ...c, ceiling: ceilingByColumn.get(c.name) })),
      pairMatrix: pairMatrix(q, names),
      worstPairs: [...q.pairs]
        .filter((p) => Number.isFinite(p.score))
        .sort((x, y) => x.score - y.score || x.a.localeCompare(y.a) || x.b.localeCompare(y.b))
        .slice(0, 15),
      correlations: correlationMatrices(q, cols),
      vsTraining: { score: qt.score, columnShapes: qt.columnShapes, columnPairs: qt.columnPairs },
      acrossSeeds,
    },
    subgroups: { variables: subgroupVars, groups },
    detection,
    utility: { tasks: utilityTasks },
    privacy: {
      exactMatchRate: exact,
      dcrRatio: dcr?.dcrRatio ?? NaN,
      dcr,
      mia,
      kFloor: input.model.kFloor ?? null,
    },
    fairness: {
      variables: subgroupVars,
      representation: rep,
      meanRepresentationGap: meanRepresentationGap(rep),
      ...(balanced === undefined ? {} : { balancedCohort: balanced }),
    },
    ceiling: {
      description:
        'Real data in the synthetic data\'s place: training rows vs the holdout (fidelity, detection, utility: TSTR = TRTR); holdout rows vs the training rows (privacy: exact matches, DCR of one holdout half against the other, the distance attack with held-out rows as the "synthetic" data, the likelihood attack with the reference density as the model; DOMIAS against its own reference is 0.5 by construction).',
      quality: {
        score: qc.score,
        columnShapes: qc.columnShapes,
        columnPairs: qc.columnPairs,
        vsTraining: { score: qtc.score, columnShapes: qtc.columnShapes, columnPairs: qtc.columnPairs },
      },
      detection: {
        auc: detectionCeiling.auc,
        ...(detectionCeiling.gbmAuc === undefined ? {} : { gbmAuc: detectionCeiling.gbmAuc }),
        maxAuc: detectionCeiling.maxAuc,
      },
      utility: { tasks: utilityTasks.map((t) => ({ target: t.target, tstrAuc: t.trtrAuc, trtrAuc: t.trtrAuc })) },
      privacy: { exactMatchRate: exactCeiling, dcrRatio: dcrCeiling, mia: miaCeiling },
    },
    ...(input.plausibility === undefined ? {} : { plausibility: { rules: input.plausibility } }),
    ...(crossCycle === undefined ? {} : { crossCycle }),
    notes,
  };
  return roundReport({
    ...body,
    goals: goalsOf(body),
    metrics: [
      KS_COMPLEMENT,
      TV_COMPLEMENT,
      CORRELATION_SIMILARITY,
      CONTINGENCY_SIMILARITY,
      MISSING_RATE_DIFFERENCE,
      DETECTION_AUC,
      UTILITY_GAP,
      EXACT_MATCH_RATE,
      DCR_RATIO,
      MIA_AUC,
    ].map((m) => ({ ...m, max: Number.isFinite(m.max) ? m.max : Number.MAX_SAFE_INTEGER })),
  });
}

/** Quality of the synthetic and of the training rows, each scored against another cycle's rows. */
function crossCycleQuality(
  cols: readonly EvalColumn[],
  other: WeightedRows & { readonly name: string },
  synthetic: Frame,
  train: Frame,
): CrossCycleQuality {
  const frame = toFrame(cols, other.rows, other.weights);
  const qs = computeQuality(frame, synthetic, { plots: false });
  const qr = computeQuality(frame, train, { plots: false });
  return {
    name: other.name,
    rows: frame.n,
    quality: { score: qs.score, columnShapes: qs.columnShapes, columnPairs: qs.columnPairs },
    ceiling: { score: qr.score, columnShapes: qr.columnShapes, columnPairs: qr.columnPairs },
    gap: qr.score - qs.score,
  };
}
