import { UnreachableCaseError } from '../util';
import { roundTo } from './rounding';
import type { DerivedVariable, Row, Schema, Value } from './types';

/**
 * CKD-EPI 2021 creatinine equation (race-free). Inker LA et al., "New Creatinine- and Cystatin
 * C-Based Equations to Estimate GFR without Race", N Engl J Med 2021;385:1737-49:
 * eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age × 1.012 [if female].
 */
const EGFR_2021 = {
  multiplier: 142,
  kappa: { female: 0.7, male: 0.9 },
  alpha: { female: -0.241, male: -0.302 },
  exponentAboveKappa: -1.2,
  ageBase: 0.9938,
  femaleFactor: 1.012,
} as const;

/** The equation is validated for adults only (Inker et al. 2021 enrolled people 18+). */
export const EGFR_MIN_AGE_YEARS = 18;

/**
 * eGFR in mL/min/1.73 m² by CKD-EPI 2021 (unrounded). See: Inker et al., NEJM 2021;385:1737-49.
 * @param creatinineMgDl - serum creatinine, mg/dL
 * @param ageYears - age in years
 */
export function egfrCkdEpi2021(creatinineMgDl: number, ageYears: number, sex: 'female' | 'male'): number {
  const ratio = creatinineMgDl / EGFR_2021.kappa[sex];
  return (
    EGFR_2021.multiplier *
    Math.min(ratio, 1) ** EGFR_2021.alpha[sex] *
    Math.max(ratio, 1) ** EGFR_2021.exponentAboveKappa *
    EGFR_2021.ageBase ** ageYears *
    (sex === 'female' ? EGFR_2021.femaleFactor : 1)
  );
}

/** Body mass index, kg/m² (unrounded): weight / (height in metres)². */
export function bmiKgM2(weightKg: number, heightCm: number): number {
  const heightM = heightCm / 100;
  return weightKg / (heightM * heightM);
}

/**
 * Friedewald's LDL estimate is not valid above this triglyceride level (Friedewald WT, Levy RI,
 * Fredrickson DS, Clin Chem 1972;18:499-502); NHANES computes LBDLDL only at TG ≤ 400 mg/dL
 * (NHANES 2015-2016 TRIGLY_I documentation), so LDL is absent above it.
 */
export const FRIEDEWALD_MAX_TRIGLYCERIDES_MG_DL = 400;

/**
 * LDL cholesterol, mg/dL, by Friedewald (unrounded): TC − HDL − TG/5 (VLDL ≈ TG/5 in mg/dL);
 * undefined when TG > 400 mg/dL, and when the estimate is not positive (no laboratory would report
 * such an LDL; the real data's lowest is 23 mg/dL; the sampler's support keeps TG/5 < TC − HDL, so
 * model rows never reach this). See: FRIEDEWALD_MAX_TRIGLYCERIDES_MG_DL.
 */
export function friedewaldLdl(totalMgDl: number, hdlMgDl: number, triglyceridesMgDl: number): number | undefined {
  if (triglyceridesMgDl > FRIEDEWALD_MAX_TRIGLYCERIDES_MG_DL) return undefined;
  const ldl = totalMgDl - hdlMgDl - triglyceridesMgDl / 5;
  return ldl > 0 ? ldl : undefined;
}

function num(row: Row, name: string | undefined): number | undefined {
  const x = name === undefined ? undefined : row[name];
  return typeof x === 'number' ? x : undefined;
}

/** One derived value from a row, or undefined when an input is missing or out of the formula's scope. */
export function derivedValue(d: DerivedVariable, row: Row): number | undefined {
  switch (d.formula) {
    case 'bmi': {
      const weight = num(row, d.inputs[0]);
      const height = num(row, d.inputs[1]);
      return weight === undefined || height === undefined || height <= 0 ? undefined : bmiKgM2(weight, height);
    }
    case 'egfr_ckd_epi_2021': {
      const scr = num(row, d.inputs[0]);
      const age = num(row, d.inputs[1]);
      const sex = row[d.inputs[2]];
      if (scr === undefined || scr <= 0 || age === undefined || age < EGFR_MIN_AGE_YEARS) return undefined;
      return sex === 'female' || sex === 'male' ? egfrCkdEpi2021(scr, age, sex) : undefined;
    }
    case 'friedewald': {
      const total = num(row, d.inputs[0]);
      const hdl = num(row, d.inputs[1]);
      const tg = num(row, d.inputs[2]);
      return total === undefined || hdl === undefined || tg === undefined ? undefined : friedewaldLdl(total, hdl, tg);
    }
    default:
      throw new UnreachableCaseError(d.formula);
  }
}

/**
 * The row with every derived variable (BMI, eGFR, LDL) computed from it, rounded to its decimals; a
 * derived value whose inputs are missing is absent. Never mutates the input.
 */
export function computeDerived(schema: Schema, row: Row): Row {
  const out: Record<string, Value | undefined> = { ...row };
  for (const d of schema.derived) {
    const x = derivedValue(d, row);
    // delete only when needed: it turns the object into a slow dictionary-mode one.
    if (x !== undefined) out[d.name] = roundTo(x, d.decimals);
    else if (d.name in out) delete out[d.name];
  }
  return out;
}
