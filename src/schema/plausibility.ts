import { isApplicable } from './where-eval';
import type { Row, Schema } from './types';

/**
 * Plausibility rules: what a clinician reading a chart expects of one person, beside the schema's
 * structural rules (appliesWhen, atMost, bounds). Each rule names its source. A rule that the real
 * training data breaks is a wrong rule: `test/unit/schema/plausibility.test.ts` checks every rule
 * on the real CSV (0 violations), and the model is tested to 0 violations on sampled profiles
 * (`test/statistical/plausibility.test.ts`).
 *
 * Body-size bands by year of age (0-19, then 20+) are the extremes of weighted-or-not NHANES
 * 2015-2016 over that age and its two neighbours (growth is monotone; a neighbour's extreme is a
 * plausible one), widened by a margin (height 5%, weight 15%, BMI 10%) and rounded outward to a
 * grid (height 5 cm, weight 1 kg, BMI 0.5), so no bound is a record's value. These are the
 * support of the data rather than a growth reference: CDC 2000 growth charts (Kuczmarski et al.,
 * Vital Health Stat 11(246), 2002) put the NHANES extremes within about ±5 z of the median.
 */

/** [from, to) in years of reported age, with [min, max] of the reported value. */
export interface AgeBand {
  readonly from: number;
  readonly to: number;
  readonly min: number;
  readonly max: number;
}

export type PlausibilityRule =
  | {
      readonly id: string;
      readonly kind: 'range-by-age';
      /** A core variable or a derived one (bmi_kg_m2). */
      readonly variable: string;
      readonly bands: readonly AgeBand[];
      readonly description: string;
      readonly source: string;
    }
  | {
      readonly id: string;
      /** Reported `lower` < reported `upper` (both present). */
      readonly kind: 'less-than';
      readonly lower: string;
      readonly upper: string;
      readonly description: string;
      readonly source: string;
    }
  | {
      readonly id: string;
      /** min ≤ numerator / denominator ≤ max (both present). */
      readonly kind: 'ratio-range';
      readonly numerator: string;
      readonly denominator: string;
      readonly min: number;
      readonly max: number;
      readonly description: string;
      readonly source: string;
    }
  | {
      readonly id: string;
      /** TG/5 < TC − HDL: a positive Friedewald LDL wherever the three are measured. */
      readonly kind: 'friedewald-positive';
      readonly total: string;
      readonly hdl: string;
      readonly triglycerides: string;
      readonly description: string;
      readonly source: string;
    }
  | {
      readonly id: string;
      /** `variable` = `label` only on rows where one of `anyOf` holds (numbers: value ≥ min). */
      readonly kind: 'requires';
      readonly variable: string;
      readonly label: string;
      readonly anyOf: readonly RequiresClause[];
      readonly description: string;
      readonly source: string;
    }
  | {
      readonly id: string;
      /** value ≤ cap (ages at diagnosis ≤ age). */
      readonly kind: 'at-most';
      readonly variable: string;
      readonly cap: string;
      readonly description: string;
      readonly source: string;
    };

/** One clause of a `requires` rule: a categorical label, a numeric minimum and/or an age range. */
export interface RequiresClause {
  readonly variable: string;
  readonly label?: string;
  readonly min?: number;
  readonly max?: number;
}

const NHANES_BANDS =
  'NHANES 2015-2016 extremes by year of age ±1 year, widened and rounded outward (see plausibility.ts)';

function bands(rows: readonly (readonly [number, number, number, number])[]): AgeBand[] {
  return rows.map(([from, to, min, max]) => ({ from, to, min, max }));
}

/** Height, cm (measured standing, 2+). */
const HEIGHT_BANDS = bands([
  [2, 3, 75, 125],
  [3, 4, 75, 130],
  [4, 5, 80, 140],
  [5, 6, 85, 145],
  [6, 7, 90, 150],
  [7, 8, 95, 160],
  [8, 9, 100, 170],
  [9, 10, 105, 170],
  [10, 11, 105, 180],
  [11, 12, 110, 185],
  [12, 13, 110, 190],
  [13, 14, 115, 195],
  [14, 15, 130, 205],
  [15, 16, 135, 205],
  [16, 17, 135, 215],
  [17, 18, 135, 215],
  [18, 19, 135, 215],
  [19, 20, 120, 215],
  [20, 200, 120, 215],
]);
/** Weight, kg. */
const WEIGHT_BANDS = bands([
  [0, 1, 3, 20],
  [1, 2, 3, 27],
  [2, 3, 6, 39],
  [3, 4, 8, 39],
  [4, 5, 8, 41],
  [5, 6, 10, 68],
  [6, 7, 11, 74],
  [7, 8, 13, 82],
  [8, 9, 14, 84],
  [9, 10, 15, 107],
  [10, 11, 15, 139],
  [11, 12, 18, 139],
  [12, 13, 22, 139],
  [13, 14, 24, 149],
  [14, 15, 27, 189],
  [15, 16, 27, 189],
  [16, 17, 32, 189],
  [17, 18, 31, 180],
  [18, 19, 31, 180],
  [19, 20, 27, 229],
  [20, 200, 27, 229],
]);
/** BMI, kg/m² (from the reported weight and height, 2+). */
const BMI_BANDS = bands([
  [2, 3, 11.5, 28.5],
  [3, 4, 10.5, 28.5],
  [4, 5, 10.5, 28],
  [5, 6, 10, 37],
  [6, 7, 10, 37],
  [7, 8, 10, 38],
  [8, 9, 11, 38],
  [9, 10, 11, 45],
  [10, 11, 11, 47.5],
  [11, 12, 11, 47.5],
  [12, 13, 11, 47.5],
  [13, 14, 12, 48],
  [14, 15, 12, 56.5],
  [15, 16, 12, 56.5],
  [16, 17, 13.5, 56.5],
  [17, 18, 14, 56.5],
  [18, 19, 14.5, 60.5],
  [19, 20, 13, 74.5],
  [20, 200, 13, 74.5],
]);

/** The rules, in report order. Rules naming a variable the schema lacks are skipped (rulesFor). */
export const PLAUSIBILITY_RULES: readonly PlausibilityRule[] = [
  {
    id: 'height-for-age',
    kind: 'range-by-age',
    variable: 'body_height_cm',
    bands: HEIGHT_BANDS,
    description: 'height within the band of its year of age',
    source: NHANES_BANDS,
  },
  {
    id: 'weight-for-age',
    kind: 'range-by-age',
    variable: 'body_weight_kg',
    bands: WEIGHT_BANDS,
    description: 'weight within the band of its year of age',
    source: NHANES_BANDS,
  },
  {
    id: 'bmi-for-age',
    kind: 'range-by-age',
    variable: 'bmi_kg_m2',
    bands: BMI_BANDS,
    description: 'BMI (weight / height²) within the band of its year of age',
    source: NHANES_BANDS,
  },
  {
    id: 'waist-to-height',
    kind: 'ratio-range',
    numerator: 'waist_circumference_cm',
    denominator: 'body_height_cm',
    min: 0.3,
    max: 1.1,
    description: 'waist / height between 0.3 and 1.1 (waist coherent with body size)',
    source: 'NHANES 2015-2016 waist-to-height ratio 0.358-1.036, rounded outward by ≥ 0.05',
  },
  {
    id: 'systolic-above-diastolic',
    kind: 'less-than',
    lower: 'diastolic_bp_1_mmhg',
    upper: 'systolic_bp_1_mmhg',
    description: 'diastolic < systolic',
    source:
      'physiology: systolic is the peak arterial pressure, diastolic the trough (0 of 7,145 real readings break it)',
  },
  {
    id: 'hdl-below-total',
    kind: 'less-than',
    lower: 'hdl_cholesterol_mg_dl',
    upper: 'total_cholesterol_mg_dl',
    description: 'HDL < total cholesterol',
    source: 'HDL is a fraction of total cholesterol (NCEP ATP III); 0 of 7,256 real pairs break it',
  },
  {
    id: 'ldl-below-total',
    kind: 'less-than',
    lower: 'ldl_cholesterol_mg_dl',
    upper: 'total_cholesterol_mg_dl',
    description: 'LDL < total cholesterol',
    source: 'LDL is a fraction of total cholesterol (NCEP ATP III)',
  },
  {
    id: 'friedewald-positive',
    kind: 'friedewald-positive',
    total: 'total_cholesterol_mg_dl',
    hdl: 'hdl_cholesterol_mg_dl',
    triglycerides: 'triglycerides_mg_dl',
    description: 'TG/5 < TC − HDL at TG ≤ 400 (a positive Friedewald LDL where one is computed)',
    source:
      'Friedewald, Levy & Fredrickson, Clin Chem 1972;18:499 (VLDL ≈ TG/5 is part of non-HDL cholesterol); real LDL ≥ 23 mg/dL',
  },
  {
    id: 'insulin-with-diabetes',
    kind: 'requires',
    variable: 'insulin_now',
    label: 'yes',
    anyOf: [
      { variable: 'diabetes_dx', label: 'yes' },
      { variable: 'diabetes_dx', label: 'borderline' },
      { variable: 'hba1c_percent', min: 6.5 },
      { variable: 'fasting_glucose_mg_dl', min: 126 },
    ],
    description: 'insulin only with diagnosed diabetes, or with diabetic labs (HbA1c ≥ 6.5% or FPG ≥ 126)',
    source:
      'ADA Standards of Care 2024, Table 2.1 (diagnostic cut-offs); the 3 real insulin users without a diagnosis all have HbA1c ≥ 7.5%',
  },
  {
    id: 'pregnancy-sex-age',
    kind: 'requires',
    variable: 'pregnant_at_exam',
    label: 'yes',
    anyOf: [{ variable: 'sex', label: 'female' }],
    description: 'pregnant only for women (ages 12-59 by the second check)',
    source: 'physiology; NHANES asks pregnancy of women 20-44 in this file',
  },
  {
    id: 'pregnancy-age',
    kind: 'requires',
    variable: 'pregnant_at_exam',
    label: 'yes',
    anyOf: [{ variable: 'age_years', min: 12, max: 59 }],
    description: 'pregnant only at ages 12-59',
    source: 'physiology (menarche to menopause, generous)',
  },
];

/** The atMost rules of a schema (ages at diagnosis ≤ age), as plausibility rules. */
function atMostRules(schema: Schema): PlausibilityRule[] {
  return schema.variables
    .filter((v) => v.atMost !== undefined)
    .map((v) => ({
      id: `${v.name}-at-most-${v.atMost}`,
      kind: 'at-most',
      variable: v.name,
      cap: v.atMost!,
      description: `${v.label} ≤ ${v.atMost}`,
      source: 'an event is not dated after the interview',
    }));
}

function namesOf(rule: PlausibilityRule): string[] {
  switch (rule.kind) {
    case 'range-by-age':
      return [rule.variable, 'age_years'];
    case 'less-than':
      return [rule.lower, rule.upper];
    case 'ratio-range':
      return [rule.numerator, rule.denominator];
    case 'friedewald-positive':
      return [rule.total, rule.hdl, rule.triglycerides];
    case 'requires':
      return [rule.variable, ...rule.anyOf.map((c) => c.variable)];
    case 'at-most':
      return [rule.variable, rule.cap];
  }
}

/** The rules that apply to a schema: every variable they name exists (derived ones included). */
export function plausibilityRulesFor(schema: Schema): PlausibilityRule[] {
  const names = new Set([...schema.variables.map((v) => v.name), ...schema.derived.map((d) => d.name)]);
  return [...PLAUSIBILITY_RULES, ...atMostRules(schema)].filter((r) => namesOf(r).every((n) => names.has(n)));
}

/** The band of a reported age (undefined outside every band). */
export function bandOf(bandsOf: readonly AgeBand[], age: number): AgeBand | undefined {
  for (const b of bandsOf) if (age >= b.from && age < b.to) return b;
  return undefined;
}

const numberOf = (row: Row, name: string): number | undefined => {
  const x = row[name];
  return typeof x === 'number' ? x : undefined;
};

/** Whether a clause of a `requires` rule holds on a row. */
export function clauseHolds(c: RequiresClause, row: Row): boolean {
  const x = row[c.variable];
  if (c.label !== undefined) return x === c.label;
  if (typeof x !== 'number') return false;
  return (c.min === undefined || x >= c.min) && (c.max === undefined || x <= c.max);
}

/** Whether a row breaks a rule (false when the rule's variables are absent from the row). */
export function violates(rule: PlausibilityRule, row: Row): boolean {
  switch (rule.kind) {
    case 'range-by-age': {
      const v = numberOf(row, rule.variable);
      const age = numberOf(row, 'age_years');
      if (v === undefined || age === undefined) return false;
      const b = bandOf(rule.bands, age);
      return b !== undefined && (v < b.min || v > b.max);
    }
    case 'less-than': {
      const lo = numberOf(row, rule.lower);
      const hi = numberOf(row, rule.upper);
      return lo !== undefined && hi !== undefined && !(lo < hi);
    }
    case 'ratio-range': {
      const a = numberOf(row, rule.numerator);
      const b = numberOf(row, rule.denominator);
      if (a === undefined || b === undefined || b <= 0) return false;
      return a / b < rule.min || a / b > rule.max;
    }
    case 'friedewald-positive': {
      const tc = numberOf(row, rule.total);
      const hdl = numberOf(row, rule.hdl);
      const tg = numberOf(row, rule.triglycerides);
      if (tc === undefined || hdl === undefined || tg === undefined || tg > 400) return false;
      return !(tg / 5 < tc - hdl);
    }
    case 'requires':
      return row[rule.variable] === rule.label && !rule.anyOf.some((c) => clauseHolds(c, row));
    case 'at-most': {
      const v = numberOf(row, rule.variable);
      const cap = numberOf(row, rule.cap);
      return v !== undefined && cap !== undefined && v > cap;
    }
  }
}

/** One rule's count over a set of rows. */
export interface AuditLine {
  readonly id: string;
  readonly description: string;
  readonly source: string;
  readonly violations: number;
  /** Rows the rule could be checked on (its variables present). */
  readonly checked: number;
  readonly rows: number;
  /** Violations per 10,000 rows. */
  readonly per10k: number;
}

function checkable(rule: PlausibilityRule, row: Row): boolean {
  if (rule.kind === 'requires') return row[rule.variable] !== undefined;
  return namesOf(rule).every((n) => row[n] !== undefined);
}

/** Counts every rule's violations over rows (unweighted). */
export function auditPlausibility(rules: readonly PlausibilityRule[], rows: Iterable<Row>): AuditLine[] {
  const violations = new Array<number>(rules.length).fill(0);
  const checked = new Array<number>(rules.length).fill(0);
  let n = 0;
  for (const row of rows) {
    n++;
    for (let r = 0; r < rules.length; r++) {
      if (!checkable(rules[r], row)) continue;
      checked[r]++;
      if (violates(rules[r], row)) violations[r]++;
    }
  }
  return rules.map((rule, r) => ({
    id: rule.id,
    description: rule.description,
    source: rule.source,
    violations: violations[r],
    checked: checked[r],
    rows: n,
    per10k: n > 0 ? (violations[r] / n) * 10_000 : 0,
  }));
}

/** A real row as the model sees it: values the schema calls not applicable blanked. */
export function applicableOnly(schema: Schema, row: Row): Row {
  const out: Record<string, unknown> = { ...row };
  for (const v of schema.variables) if (!isApplicable(v, row)) delete out[v.name];
  return out as Row;
}
