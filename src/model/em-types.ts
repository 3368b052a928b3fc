/**
 * The numeric form of a training table for EM, and the parameters EM estimates. Missing and
 * not-applicable entries are distinct: "missing when applicable" is data (a state of a categorical,
 * the presence bit of a number); "not applicable" rows are dropped from that variable's likelihood.
 */

/** Code for "not applicable" in state / presence arrays. */
export const NOT_APPLICABLE = -1;

export interface EmCategorical {
  /** Number of modelled states including the trailing "missing when applicable" state. */
  readonly states: number;
  /** Per row: state index, or NOT_APPLICABLE. */
  readonly x: Int16Array;
  /** States never to be given probability (suppressed: fewer than k records). */
  readonly suppressed: Uint8Array;
}

export interface EmCore {
  readonly d: number;
  /** n × d normal scores, NaN when not observed. */
  readonly z: Float64Array;
  /** n × d: 1 present, 0 missing when applicable, NOT_APPLICABLE. */
  readonly presence: Int8Array;
  /** Dimensions whose driver effects are held at zero (gates, satellite parents). */
  readonly fixedZeroEffect: Uint8Array;
  /** Per dimension: whether "missing when applicable" is suppressed (fewer than k records). */
  readonly missingSuppressed: Uint8Array;
  /**
   * Per dimension: presence shared by all components (missing by design, e.g. the fasting
   * subsample), so components cannot specialise on it and leave the dimension unidentified.
   */
  readonly sharedPresence: Uint8Array;
}

export interface EmSatellite {
  /** Normal scores, NaN when not observed. */
  readonly z: Float64Array;
  readonly presence: Int8Array;
  readonly missingSuppressed: boolean;
  /** Core dimension of the parent (a capped satellite's mean moves with its score), or −1. */
  readonly parentDim: number;
}

export interface EmData {
  readonly n: number;
  /** Survey weights normalised to mean 1. */
  readonly w: Float64Array;
  readonly cats: readonly EmCategorical[];
  readonly core: EmCore;
  readonly sats: readonly EmSatellite[];
  /** Driver features: n × F one-hot indicators (0/1). */
  readonly features: Float64Array;
  readonly nFeatures: number;
}

export interface EmParams {
  readonly k: number;
  readonly pi: Float64Array;
  /** Per categorical: k × states probabilities. */
  readonly catProbs: Float64Array[];
  /** k × d: P(present | applicable). */
  readonly corePresence: Float64Array;
  /** k × d. */
  readonly mean: Float64Array;
  /** k × d × d. */
  readonly cov: Float64Array;
  /** EFFECT_SETS × d × F driver effects (set 1: a score stratum's components, see em.ts). */
  readonly effects: Float64Array;
  /** Per component: its effect set. */
  readonly effectSet: Int8Array;
  /** Per satellite: k values each. */
  readonly satPresence: Float64Array[];
  readonly satMean: Float64Array[];
  readonly satSd: Float64Array[];
  /** Per satellite: k slopes on the parent's score (0 without a parent). */
  readonly satSlope: Float64Array[];
  /**
   * K × strata: 1 when the component is pure in the stratum's state, 0 when it excludes it, −1
   * when the stratum does not bind it (none, or lifted).
   */
  readonly group: Int8Array;
}

/**
 * A stratum: rows that get components of their own, so their continuous scores are modelled
 * apart. Either a categorical state (e.g. diabetes_dx = "yes": probability 1 there, 0 elsewhere)
 * or, with `cat` −1, rows whose core score `dim` lies below `below` (children: age under 18),
 * enforced on responsibilities (a row never belongs to a component of the other side).
 */
export interface EmStratum {
  /** Categorical slot, or −1 for a score stratum. */
  readonly cat: number;
  readonly state: number;
  /** Share of the components given to the stratum's rows (independently across strata). */
  readonly share: number;
  /** Score stratum: the core dimension and the scores [above, below) in which a row is in it. */
  readonly dim?: number;
  readonly below?: number;
  readonly above?: number;
  /**
   * Score stratum: whether the categorical strata are crossed inside its components (adults' age
   * bands) or leave them unbound (children), and whether its components get driver effects of
   * their own (default: when not crossed).
   */
  readonly crossed?: boolean;
  /** Score stratum: cross only the categorical strata on these slots (the others unbound). */
  readonly crossWith?: readonly number[];
  readonly ownEffects?: boolean;
  /** Score stratum: its band in unrounded values [lo, hi) (±Infinity: open), for the model file. */
  readonly valueRange?: readonly [number, number];
}

/** Knobs of one EM run. */
export interface EmOptions {
  readonly k: number;
  readonly maxIterations: number;
  /** Stop when the mean per-row log-likelihood gains less than this. */
  readonly tolerance: number;
  /** Components with fewer (unweighted) records are dropped. */
  readonly kFloor: number;
  readonly onIteration?: (iteration: number, logLikelihood: number) => void;
  readonly strata?: readonly EmStratum[];
}
