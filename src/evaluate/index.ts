/**
 * evaluate/: fidelity, utility, privacy and fairness metrics (one per file) and the trust report
 * (JSON + self-contained HTML). May import model, generate, schema, random, util, errors.
 * See: docs/ARCHITECTURE.md "Evaluation"; issue 5.
 */
export type { ColumnKind, EvalColumn, Frame } from './frame';
export { evalColumnsOf, toFrame, normaliseWeights, weightsFromColumn, subsetFrame, effectiveSize } from './frame';
export type { MetricInfo } from './metrics/metric';
export { KS_COMPLEMENT, ksComplement, ksStatistic } from './metrics/ks-complement';
export { TV_COMPLEMENT, tvComplement, totalVariation, frequencies } from './metrics/tv-complement';
export { CORRELATION_SIMILARITY, weightedPearson, correlationSimilarityOf } from './metrics/correlation-similarity';
export { CONTINGENCY_SIMILARITY, contingencySimilarity, jointTable } from './metrics/contingency-similarity';
export { MISSING_RATE_DIFFERENCE, missingRate } from './metrics/missing-rate';
export { codeCategorical, equalWidthEdges, binCodes, CONTINGENCY_BINS, MISSING_LABEL } from './metrics/codes';
export type { ColumnQuality, PairQuality, QualityResult, QualityOptions } from './quality';
export { computeQuality, meanOf } from './quality';
export type { DetectionResult, DetectionOptions } from './detection';
export { computeDetection, DETECTION_AUC } from './detection';
export type { UtilityTask, TaskResult, SubgroupAuc, UtilityOptions } from './utility';
export { computeUtility, dependentsOf, DEFAULT_TASKS, UTILITY_GAP } from './utility';
export { exactMatchRate, EXACT_MATCH_RATE } from './privacy/exact-match';
export type { DcrResult } from './privacy/dcr';
export { computeDcr, DCR_RATIO } from './privacy/dcr';
export type { MiaResult, DensityFunctions } from './privacy/mia';
export { computeMia, MIA_AUC } from './privacy/mia';
export { distanceSpace, nearestDistances, rowDistance, quantile } from './privacy/distance';
export type { StratumShare, BalancedCohortFairness } from './fairness';
export { representation, balancedCohortFairness, stratumOf, stratumShares } from './fairness';
export type { Split } from './split';
export { splitByHash, SPLIT_SALT, DEFAULT_TRAIN_FRACTION } from './split';
export type { Report, Goal, ReportModelInfo, SubgroupQuality } from './report';
export { GOALS, REPORT_FORMAT_VERSION, goalsOf, roundReport } from './report';
export type { EvaluateTablesInput, WeightedRows } from './evaluate-tables';
export { evaluateTables, EVALUATE_STAGES, DEFAULT_SUBGROUP_VARIABLES } from './evaluate-tables';
export type { SyntheticSource, ReferenceFitter, BalanceSpec, EvaluateSourceInput } from './evaluate-source';
export { evaluateSource, REFERENCE_SHARE, DEFAULT_EXTRA_SEEDS } from './evaluate-source';
export { renderReportHtml } from './html/render';
export type { StoredReport, ReportResponse, ReportLookup } from './report-handler';
export { reportHandler, negotiateReport, loadReports } from './report-handler';
export { sourceFromModel, modelReferenceFitter, fitOptionsOf, REFERENCE_COMPONENTS } from './model-source';
export type { PartialSynthesisOptions, PartialSynthesisResult, ReplacedReport, RowError } from './partially-synthetic';
export { synthesizeTable, PREDICTION_DRAWS } from './partially-synthetic';
