import type { Schema } from '../schema';
import type { QuantileTransform } from './quantile-transform';
import type { Transform } from './transform';

/**
 * The serialised model: plain, versioned JSON holding only aggregate parameters (mixture weights,
 * per-component probabilities, means, covariances, quantile knots between groups of ≥ k records),
 * never a training record. See: docs/MODEL.md "The contract"; docs/CONTRACTS.md "model/".
 */
export const MODEL_FORMAT_VERSION = 1;

/** A categorical or ordinal variable. */
export interface CategoricalParams {
  readonly name: string;
  /** Modelled labels (schema order); other labels were merged or never seen. */
  readonly states: readonly string[];
  /** Labels with fewer than k records → the label whose state absorbed them (never sampled). */
  readonly merged: Readonly<Record<string, string>>;
  /** K rows of (states.length + 1) probabilities; the last is "missing when applicable". */
  readonly probs: readonly (readonly number[])[];
}

/** The joint normal part over the core continuous variables' normal scores. */
export interface CoreParams {
  readonly names: readonly string[];
  readonly transforms: readonly Transform[];
  /** K × d: P(present | applicable, component). */
  readonly presence: readonly (readonly number[])[];
  /** K × d. */
  readonly mean: readonly (readonly number[])[];
  /** K × d(d+1)/2: lower triangle of Σ_k, row by row. */
  readonly cov: readonly (readonly number[])[];
  /** Driver variables, their features (variable, label) and the d × F effect matrix B. */
  readonly drivers: {
    readonly variables: readonly string[];
    readonly features: readonly (readonly [string, string])[];
    readonly effects: readonly (readonly number[])[];
    /**
     * Components fitted on a score stratum's rows (children: age under 18) and their own d × F
     * matrix B, which replaces `effects` for them. Absent: every component uses `effects`.
     */
    readonly stratumEffects?: {
      readonly components: readonly number[];
      readonly effects: readonly (readonly number[])[];
    };
  };
  /**
   * Components pure in a band of one core variable (age): per component the band's unrounded
   * value edges [lo, hi) (null: unbounded). The component's score on that variable is its normal
   * truncated to the band, so a class fitted on 60-79-year-olds never draws a 45-year-old. Absent:
   * no component is banded.
   */
  readonly bands?: {
    readonly variable: string;
    readonly lo: readonly (number | null)[];
    readonly hi: readonly (number | null)[];
  };
}

/** A count or a capped value (fraction of its parent), univariate per component. */
export interface SatelliteParams {
  readonly name: string;
  readonly parent?: string;
  readonly transform: QuantileTransform;
  readonly presence: readonly number[];
  readonly mean: readonly number[];
  readonly sd: readonly number[];
  /** Capped satellites: per component, the slope of the fraction's score on the parent's score. */
  readonly slope?: readonly number[];
}

/** What the fit did (aggregate numbers only; no timings, so refits hash identically). */
export interface FitSummary {
  readonly seed: string;
  readonly weights: string | null;
  readonly rows: number;
  /** Kish effective sample size of the weighted training rows. */
  readonly effectiveRecords: number;
  readonly kFloor: number;
  readonly logLikelihood: number;
  readonly bic: number;
  readonly iterations: number;
  /** Held-out mean log-likelihood per candidate K (empty when a single K was given). */
  readonly candidates: readonly { readonly k: number; readonly heldOutLogLikelihood: number }[];
}

export interface ModelParams {
  readonly k: number;
  readonly weights: readonly number[];
  readonly categorical: readonly CategoricalParams[];
  readonly core: CoreParams;
  readonly satellites: readonly SatelliteParams[];
  readonly fit: FitSummary;
}

/** The JSON document (`hash` = sha256 of the canonical JSON of the other fields). */
export interface ModelJson {
  readonly formatVersion: number;
  readonly hash: string;
  readonly schema: Schema;
  readonly params: ModelParams;
}
