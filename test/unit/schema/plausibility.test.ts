import { readFileSync } from 'node:fs';

import {
  applicableOnly,
  auditPlausibility,
  computeDerived,
  defaultSchema,
  parseCsvTable,
  PLAUSIBILITY_RULES,
  plausibilityRulesFor,
  violates,
} from '../../../src/schema';
import type { Row } from '../../../src/schema';
import { packageFile } from '../../../src/util';
import { nhanesTable } from './nhanes-data';

/**
 * The plausibility rules against the real data: a rule the real file breaks is a wrong rule. Each
 * rule is checked on the rows the model is fitted on (values the schema calls not applicable
 * blanked, derived BMI/LDL computed), and must bite on crafted rows.
 */
const schema = defaultSchema();
const rules = plausibilityRulesFor(schema);
const asModelSees = (r: Row): Row => computeDerived(schema, applicableOnly(schema, r));

describe('plausibility rules', () => {
  it('cover every rule of the catalogue plus the atMost caps of the schema', () => {
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(PLAUSIBILITY_RULES.map((r) => r.id)));
    expect(rules.filter((r) => r.kind === 'at-most').length).toBe(
      schema.variables.filter((v) => v.atMost !== undefined).length,
    );
    for (const r of rules) expect(r.source.length).toBeGreaterThan(10);
  });

  it('hold on every real 2015-2016 row (the training file), each checked on hundreds of rows', () => {
    const audit = auditPlausibility(rules, nhanesTable().rows.map(asModelSees));
    expect(audit.filter((l) => l.violations > 0).map((l) => `${l.id}: ${l.violations}`)).toEqual([]);
    for (const l of audit)
      expect({ id: l.id, checkable: l.checked > 50 }).toEqual({ id: l.id, checkable: true });
  });

  it('are almost always kept by the 2013-2014 cycle, which they were not derived from (≤ 5 rows per rule)', () => {
    const other = parseCsvTable(
      readFileSync(packageFile('data', 'nhanes', 'nhanes_2013_2014.csv'), 'utf8'),
      schema,
      ['weight_exam'],
    );
    const audit = auditPlausibility(rules, other.rows.map(asModelSees));
    // Measured: weight-for-age 2, BMI-for-age 4, waist-to-height 1 of 10,175 rows; every other rule 0.
    for (const l of audit)
      expect({ id: l.id, violations: Math.min(l.violations, 6) }).toEqual({
        id: l.id,
        violations: expect.any(Number),
      });
    expect(Math.max(...audit.map((l) => l.violations))).toBeLessThanOrEqual(5);
  });

  const byId = (id: string) => rules.find((r) => r.id === id)!;
  it.each([
    ['height-for-age', { age_years: 7, body_height_cm: 175 }, { age_years: 7, body_height_cm: 125 }],
    ['weight-for-age', { age_years: 57, body_weight_kg: 11.1 }, { age_years: 57, body_weight_kg: 71.1 }],
    ['bmi-for-age', { age_years: 57, bmi_kg_m2: 3.7 }, { age_years: 57, bmi_kg_m2: 23.7 }],
    [
      'waist-to-height',
      { waist_circumference_cm: 40, body_height_cm: 180 },
      { waist_circumference_cm: 90, body_height_cm: 180 },
    ],
    [
      'systolic-above-diastolic',
      { systolic_bp_1_mmhg: 80, diastolic_bp_1_mmhg: 80 },
      { systolic_bp_1_mmhg: 120, diastolic_bp_1_mmhg: 0 },
    ],
    [
      'hdl-below-total',
      { total_cholesterol_mg_dl: 100, hdl_cholesterol_mg_dl: 100 },
      { total_cholesterol_mg_dl: 180, hdl_cholesterol_mg_dl: 50 },
    ],
    [
      'friedewald-positive',
      { total_cholesterol_mg_dl: 140, hdl_cholesterol_mg_dl: 60, triglycerides_mg_dl: 400 },
      { total_cholesterol_mg_dl: 140, hdl_cholesterol_mg_dl: 60, triglycerides_mg_dl: 420 },
    ],
    [
      'insulin-with-diabetes',
      { insulin_now: 'yes', diabetes_dx: 'no', hba1c_percent: 5.4 },
      { insulin_now: 'yes', diabetes_dx: 'no', hba1c_percent: 8.4 },
    ],
    [
      'pregnancy-sex-age',
      { pregnant_at_exam: 'yes', sex: 'male' },
      { pregnant_at_exam: 'yes', sex: 'female' },
    ],
    [
      'heart_attack_age_dx_years-at-most-age_years',
      { heart_attack_dx: 'yes', heart_attack_age_dx_years: 61, age_years: 60 },
      { heart_attack_age_dx_years: 60, age_years: 60 },
    ],
  ])('%s: breaks on the first row, holds on the second', (id, bad, good) => {
    expect(violates(byId(id), bad as Row)).toBe(true);
    expect(violates(byId(id), good as Row)).toBe(false);
  });
});
