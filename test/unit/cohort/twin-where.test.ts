import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ageBand, cohortIdOf, defaultKeep, parseCohortSpec, twinWhere } from '../../../src/cohort';
import { parseSchema } from '../../../src/schema';

const schema = parseSchema(JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'seeds', 'nhanes-2015-2016.schema.json'), 'utf8')));

const record = {
  age_years: 47,
  sex: 'female',
  race_ethnicity: 'non_hispanic_black',
  hba1c_percent: 7.2,
  systolic_bp_1_mmhg: 142,
  diabetes_dx: 'yes',
  hypertension_dx: 'yes',
  asthma_dx: 'no',
};

describe('twinWhere', () => {
  it('keeps age band, sex, race/ethnicity and every stated diagnosis by default', () => {
    expect(defaultKeep(schema, record)).toEqual(['age_band', 'sex', 'race_ethnicity', 'diabetes_dx', 'hypertension_dx', 'asthma_dx']);
    const t = twinWhere(schema, record);
    expect(t.where).toEqual({ age_years: { gte: 45, lte: 49 }, sex: 'female', race_ethnicity: 'non_hispanic_black', diabetes_dx: 'yes', hypertension_dx: 'yes', asthma_dx: 'no' });
    expect(t.absent).toEqual([]);
  });

  it('bands adults by 5 years, keeps children and the top-code exact', () => {
    expect(ageBand(18, 80)).toEqual({ gte: 18, lte: 19 });
    expect(ageBand(64, 80)).toEqual({ gte: 60, lte: 64 });
    expect(ageBand(12, 80)).toBe(12);
    expect(ageBand(80, 80)).toBe(80);
    expect(ageBand(78, 80)).toEqual({ gte: 75, lte: 79 });
  });

  it('holds similar values within ± tolerance × within-person variation (diabetes figures for diabetics)', () => {
    const t = twinWhere(schema, record, { keep: ['sex'], similar: ['hba1c_percent', 'systolic_bp_1_mmhg'] });
    // HbA1c with diagnosed diabetes: visit-to-visit SD 0.5 points; systolic: SD 7 mmHg.
    expect(t.where.hba1c_percent).toEqual({ gte: 6.7, lte: 7.7 });
    expect(t.where.systolic_bp_1_mmhg).toEqual({ gte: 135, lte: 149 });
    const wide = twinWhere(schema, { ...record, diabetes_dx: 'no' }, { keep: [], similar: ['hba1c_percent'], tolerance: 2 });
    // Without diabetes: CV 1.9% → ± 2 × 0.019 × 7.2 = ± 0.27 → 6.9 to 7.5 on the 0.1 grid.
    expect(wide.where.hba1c_percent).toEqual({ gte: 6.9, lte: 7.5 });
  });

  it('names unknown variables and reports requested values the record lacks', () => {
    expect(() => twinWhere(schema, record, { keep: ['sexx'] })).toThrow(/sexx/);
    expect(twinWhere(schema, record, { keep: ['sex', 'body_weight_kg'] }).absent).toEqual(['body_weight_kg']);
  });
});

describe('CohortSpec.conditioning', () => {
  it('is part of the identity only when set: other cohort ids do not change', () => {
    const base = { size: 10, seed: 1, modelHash: 'abcdef0123456789', asOf: '2025-01-01', lookbackYears: 3, where: { sex: 'female' } };
    const plain = parseCohortSpec(base);
    expect(plain).not.toHaveProperty('conditioning');
    const record = parseCohortSpec({ ...base, conditioning: 'record' });
    expect(record.conditioning).toBe('record');
    expect(cohortIdOf(record)).not.toBe(cohortIdOf(plain));
    expect(() => parseCohortSpec({ ...base, conditioning: 'other' })).toThrow(/conditioning/);
  });
});
