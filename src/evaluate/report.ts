import type { DetectionResult } from './detection';
import type { BalancedCohortFairness, StratumShare } from './fairness';
import type { MetricInfo } from './metrics/metric';
import type { DcrResult } from './privacy/dcr';
import type { MiaResult } from './privacy/mia';
import type { ColumnQuality, PairQuality } from './quality';
import type { TaskResult } from './utility';

/**
 * The report: score → properties → details (SDMetrics' three depths), JSON first; the HTML is
 * rendered from this object alone, so a stored report.json can always be re-rendered or served.
 * Stable keys (issue 5 §2): quality.score, quality.columnShapes, quality.columnPairs, detection.auc,
 * utility.tasks[] {target, tstrAuc, trtrAuc}, privacy.exactMatchRate, privacy.dcrRatio,
 * privacy.mia[] {attack, auc}, ceiling {…same keys…}, model.hash, n, seed.
 */

/** Version of the report.json layout. */
export const REPORT_FORMAT_VERSION = 1;

/** The three headline fidelity numbers. */
export interface QualityScores {
  readonly score: number;
  readonly columnShapes: number;
  readonly columnPairs: number;
}

export interface SubgroupQuality {
  readonly subgroup: string;
  readonly nReal: number;
  readonly nSynthetic: number;
  readonly score: number;
  readonly columnShapes: number;
  readonly columnPairs: number;
  readonly ceilingScore?: number;
  /** The three columns with the lowest shape scores in this subgroup. */
  readonly worstColumns: readonly { readonly name: string; readonly score: number }[];
  /** Mean and largest |missing-rate difference| over the columns, and where the largest is. */
  readonly missingDifference: { readonly mean: number; readonly max: number; readonly column: string };
}

export interface Goal {
  readonly name: string;
  readonly key: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
  readonly ceiling?: number;
}

export interface ReportModelInfo {
  /** Hash of the model whose samples were evaluated. */
  readonly hash: string;
  /** When the evaluated model was refitted on a training split, the hash of the shipped (full-data) model the report stands for. */
  readonly shippedHash?: string;
  readonly formatVersion?: number;
  readonly kFloor?: number;
  readonly components?: number;
  readonly description?: string;
}

/** One plausibility rule's violations (count and per 10,000 rows) per table. */
export interface PlausibilityLine {
  readonly id: string;
  readonly description: string;
  readonly source: string;
  readonly synthetic: AuditCount;
  readonly real: AuditCount;
  readonly crossCycle?: AuditCount;
}

export interface AuditCount {
  readonly violations: number;
  readonly per10k: number;
  readonly checked: number;
}

/** Quality of the synthetic rows and of the real training rows, both against another cycle. */
export interface CrossCycleQuality {
  readonly name: string;
  readonly rows: number;
  readonly quality: QualityScores;
  /** Real-vs-real: the training rows scored against the other cycle. */
  readonly ceiling: QualityScores;
  /** ceiling.score − quality.score. */
  readonly gap: number;
}

export interface Report {
  readonly formatVersion: number;
  readonly title: string;
  readonly model: ReportModelInfo;
  readonly n: number;
  readonly seed: number | string;
  readonly data: {
    readonly realRows: number;
    readonly holdoutRows: number;
    readonly syntheticRows: number;
    readonly weights: string | null;
    readonly columns: readonly string[];
    readonly split: string | null;
    readonly reference: string;
  };
  readonly quality: {
    readonly score: number;
    readonly columnShapes: number;
    readonly columnPairs: number;
    readonly columns: readonly (ColumnQuality & { readonly ceiling?: number })[];
    readonly pairMatrix: { readonly columns: readonly string[]; readonly scores: readonly (readonly number[])[] };
    readonly worstPairs: readonly PairQuality[];
    readonly correlations: {
      readonly columns: readonly string[];
      readonly real: readonly (readonly number[])[];
      readonly synthetic: readonly (readonly number[])[];
    };
    /** The same scores against the training (member) rows, SDMetrics' usual reference. */
    readonly vsTraining: QualityScores;
    /** The score of this sample and of samples drawn with further seeds (sampling noise). */
    readonly acrossSeeds: readonly { readonly seed: string; readonly score: number }[];
  };
  readonly subgroups: { readonly variables: readonly string[]; readonly groups: readonly SubgroupQuality[] };
  readonly detection: DetectionResult;
  readonly utility: { readonly tasks: readonly TaskResult[] };
  readonly privacy: {
    readonly exactMatchRate: number;
    readonly dcrRatio: number;
    readonly dcr: DcrResult | null;
    readonly mia: readonly MiaResult[];
    readonly kFloor: number | null;
  };
  readonly fairness: {
    readonly variables: readonly string[];
    readonly representation: readonly StratumShare[];
    readonly meanRepresentationGap: number;
    readonly balancedCohort?: BalancedCohortFairness;
  };
  readonly ceiling: {
    readonly description: string;
    readonly quality: QualityScores & { readonly vsTraining: QualityScores };
    readonly detection: { readonly auc: number; readonly gbmAuc?: number; readonly maxAuc: number };
    readonly utility: { readonly tasks: readonly { readonly target: string; readonly tstrAuc: number; readonly trtrAuc: number }[] };
    readonly privacy: {
      readonly exactMatchRate: number;
      readonly dcrRatio: number;
      readonly mia: readonly { readonly attack: string; readonly auc: number }[];
    };
  };
  /** Plausibility rules (schema/plausibility.ts): violations in the synthetic and the real rows. */
  readonly plausibility?: { readonly rules: readonly PlausibilityLine[] };
  /** Quality against another survey cycle, beside real training rows against the same cycle. */
  readonly crossCycle?: CrossCycleQuality;
  readonly goals: readonly Goal[];
  readonly metrics: readonly MetricInfo[];
  readonly notes: readonly string[];
}

/** The goals for the shipped model (issue 5 §4). */
export const GOALS = {
  qualityScoreMin: 0.95,
  detectionAucMax: 0.6,
  utilityGapMax: 0.02,
  miaAucMax: 0.55,
  exactMatchRateMax: 0,
} as const;

/** Evaluates the goals against a report's numbers (ceiling figures beside them). */
export function goalsOf(r: Omit<Report, 'goals' | 'metrics'>): Goal[] {
  const goals: Goal[] = [
    {
      name: 'Quality score',
      key: 'quality.score',
      value: r.quality.score,
      target: `≥ ${GOALS.qualityScoreMin}`,
      met: r.quality.score >= GOALS.qualityScoreMin,
      ceiling: r.ceiling.quality.score,
    },
    {
      name: 'Detection AUC (logistic)',
      key: 'detection.auc',
      value: r.detection.auc,
      target: `≤ ${GOALS.detectionAucMax}`,
      met: r.detection.auc <= GOALS.detectionAucMax,
      ceiling: r.ceiling.detection.auc,
    },
  ];
  for (const t of r.utility.tasks) {
    const c = r.ceiling.utility.tasks.find((x) => x.target === t.target);
    goals.push({
      name: `TSTR gap, ${t.target}`,
      key: `utility.tasks[${t.target}]`,
      value: t.trtrAuc - t.tstrAuc,
      target: `≤ ${GOALS.utilityGapMax}`,
      met: t.trtrAuc - t.tstrAuc <= GOALS.utilityGapMax,
      ...(c === undefined ? {} : { ceiling: c.trtrAuc - c.tstrAuc }),
    });
  }
  for (const m of r.privacy.mia) {
    const c = r.ceiling.privacy.mia.find((x) => x.attack === m.attack);
    goals.push({
      name: `Membership inference AUC (${m.attack})`,
      key: `privacy.mia[${m.attack}]`,
      value: m.auc,
      target: `≤ ${GOALS.miaAucMax}`,
      met: m.auc <= GOALS.miaAucMax,
      ...(c === undefined ? {} : { ceiling: c.auc }),
    });
  }
  goals.push({
    name: 'Exact-match rate',
    key: 'privacy.exactMatchRate',
    value: r.privacy.exactMatchRate,
    target: `= ${GOALS.exactMatchRateMax}`,
    met: r.privacy.exactMatchRate <= GOALS.exactMatchRateMax,
    ceiling: r.ceiling.privacy.exactMatchRate,
  });
  return goals;
}

/** Significant decimals kept in report.json (numbers beyond are sampling noise). */
export const REPORT_DECIMALS = 6;

/** A deep copy with numbers rounded to REPORT_DECIMALS and non-finite numbers as null. */
export function roundReport<T>(value: T): T {
  const f = 10 ** REPORT_DECIMALS;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * f) / f : null;
    if (Array.isArray(v)) return v.map(walk);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
