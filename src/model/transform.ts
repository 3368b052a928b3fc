import { normLogPdf } from '../random';
import { knotForward, knotGuideOf, knotInverseGuided, knotLogSlope, zKnotsOf } from './quantile-transform';
import type { QuantileTransform } from './quantile-transform';
import { fitYeoJohnsonLambda, yeoJohnson, yeoJohnsonInverse, yeoJohnsonLogDerivative } from './yeo-johnson';

/**
 * Marginal transforms of numeric variables to the scale the mixture works on (z):
 * - quantile (normal scores): exact interval masses, exact top-codes; the default;
 * - yeo-johnson, standardised: z = (ψ_λ(t) − mean)/sd; with λ = 1 ("linear") the identity,
 *   standardised. HbA1c and fasting glucose use it: their correlation lives in the joint right
 *   tail (eAG = 28.7·HbA1c − 46.7 is linear), which normal scores bend and compress. Values are
 *   clamped to the data's support [lower, upper].
 */
export interface YeoJohnsonTransform {
  readonly kind: 'yeo-johnson';
  readonly lambda: number;
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
}

export type Transform = QuantileTransform | YeoJohnsonTransform;

/** The transform families a fit may choose per variable ('linear' = Yeo-Johnson with λ = 1). */
export type TransformKind = 'quantile' | 'yeo-johnson' | 'linear';

/** A transform with its derived tables, ready for repeated use. */
export interface PreparedTransform {
  readonly params: Transform;
  /** t → z. */
  forward(t: number): number;
  /** z → t (within the support). */
  inverse(z: number): number;
  /** z bounds of the unrounded interval [lo, hi) (±∞ when it reaches past the support). */
  zBounds(lo: number, hi: number): [number, number];
  /** log |dz/dt| at t. */
  logJacobian(t: number): number;
  /** The support [lo, hi] of t. */
  readonly support: readonly [number, number];
}

/** Fits a standardised Yeo-Johnson transform to (dequantised) values with weights. */
export function buildYeoJohnsonTransform(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  lower: number,
  upper: number,
  fixedLambda?: number,
): YeoJohnsonTransform {
  const lambda = fixedLambda ?? fitYeoJohnsonLambda(values, weights);
  let w = 0;
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    w += weights[i];
    m += weights[i] * yeoJohnson(values[i], lambda);
  }
  m /= w;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += weights[i] * (yeoJohnson(values[i], lambda) - m) ** 2;
  return { kind: 'yeo-johnson', lambda, mean: m, sd: Math.sqrt(v / w), lower, upper };
}

/** Prepares a transform (knot normal scores computed once). */
export function prepareTransform(params: Transform): PreparedTransform {
  if (params.kind === 'quantile') {
    const x = Float64Array.from(params.x);
    const zk = zKnotsOf(params.p);
    const last = x.length - 1;
    const guide = knotGuideOf(zk);
    return {
      params,
      forward: (t) => knotForward(x, zk, t),
      inverse: (z) => knotInverseGuided(x, zk, guide, z),
      zBounds: (lo, hi) => [lo <= x[0] ? -Infinity : knotForward(x, zk, lo), hi >= x[last] ? Infinity : knotForward(x, zk, hi)],
      logJacobian: (t) => knotLogSlope(x, zk, t),
      support: [x[0], x[last]],
    };
  }
  const { lambda, mean, sd, lower, upper } = params;
  const forward = (t: number): number => (yeoJohnson(t < lower ? lower : t > upper ? upper : t, lambda) - mean) / sd;
  return {
    params,
    forward,
    inverse: (z) => {
      const t = yeoJohnsonInverse(mean + sd * z, lambda);
      return t < lower ? lower : t > upper ? upper : t;
    },
    zBounds: (lo, hi) => [lo <= lower ? -Infinity : forward(lo), hi >= upper ? Infinity : forward(hi)],
    logJacobian: (t) => yeoJohnsonLogDerivative(t, lambda) - Math.log(sd),
    support: [lower, upper],
  };
}

/** log density of z under N(0, 1) plus the Jacobian: the marginal log density of t if z were N(0,1). */
export function standardLogDensity(tr: PreparedTransform, t: number): number {
  return normLogPdf(tr.forward(t)) + tr.logJacobian(t);
}
