import type { Cohort } from '../../src/cohort';
import { CohortService, createDefaultEngine, createMemoryStore, loadModels } from '../../src/cohort';
import { support } from '../../src/model';
import type { Model } from '../../src/model';
import type { Row, WhereJson } from '../../src/schema';

/**
 * A balanced cohort, re-weighted by its importance weights, recovers the population it was drawn
 * from (the model within `where`). References are the model's own probabilities (support(): exact
 * for one bounded score; income < 1.3 with age ≥ 20 uses the 256-point Genz lattice, whose error is
 * far below the 0.007 SE here), so the only error is the cohort's sampling error; each check
 * allows 4 standard errors of the stratified weighted estimator, Var = Σ_s W_s² p_s(1−p_s)/n_s
 * (W_s the stratum's population share, p_s its proportion estimated from the cohort): a fixed seed,
 * and a two-sided 4-SE band that a correct implementation leaves with probability 6e-5.
 */
const models = loadModels(undefined);
const model = models.default;
const WHERE: WhereJson = { age_years: { gte: 20 } };
const SIZE = 6000;

interface Member {
  readonly row: Row;
  readonly stratum: string;
  readonly weight: number;
}

let cohort: Cohort;
let members: Member[];
let cohorts: CohortService<Model, ReturnType<ReturnType<typeof createDefaultEngine>['generatePatientRecord']>>;

beforeAll(async () => {
  cohorts = new CohortService({
    store: createMemoryStore(),
    models,
    engine: createDefaultEngine(),
    recordCacheSize: 0,
    defaults: { asOf: '2025-01-01', lookbackYears: 3 },
  });
  cohort = await cohorts.register({ size: SIZE, seed: 20261202, where: WHERE, balance: { by: ['race_ethnicity', 'sex'], target: 'uniform' } });
  members = Array.from({ length: SIZE }, (_, i) => ({ row: cohorts.profileAt(cohort, i), ...cohorts.memberOf(cohort, i) }));
});

function populationShare(extra: WhereJson): number {
  return support(model, { ...WHERE, ...extra }).probability / support(model, WHERE).probability;
}

/** Weighted proportion of rows where `test` holds, and its stratified standard error. */
function weightedProportion(test: (row: Row) => boolean): { estimate: number; se: number; unweighted: number } {
  const byStratum = new Map<string, { n: number; k: number; share: number }>();
  let num = 0;
  let den = 0;
  let hits = 0;
  for (const m of members) {
    const t = test(m.row);
    num += t ? m.weight : 0;
    den += m.weight;
    hits += t ? 1 : 0;
    const s = byStratum.get(m.stratum) ?? { n: 0, k: 0, share: 0 };
    s.n += 1;
    s.k += t ? 1 : 0;
    byStratum.set(m.stratum, s);
  }
  for (const s of cohorts.strataOf(cohort)) byStratum.get(s.key)!.share = s.populationShare;
  let variance = 0;
  for (const s of byStratum.values()) {
    const p = s.k / s.n;
    variance += (s.share * s.share * p * (1 - p)) / s.n;
  }
  return { estimate: num / den, se: Math.sqrt(variance), unweighted: hits / members.length };
}

describe('a balanced cohort re-weighted to the population', () => {
  it('fills every stratum exactly, and its weights sum to the size', () => {
    const strata = cohorts.strataOf(cohort);
    expect(strata).toHaveLength(12);
    for (const s of strata) expect(members.filter((m) => m.stratum === s.key)).toHaveLength(s.count);
    expect(members.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(SIZE, 6);
  });

  it('recovers the race/ethnicity marginal exactly (it is what the weights are made of)', () => {
    for (const race of ['mexican_american', 'non_hispanic_white', 'non_hispanic_asian']) {
      const { estimate, unweighted } = weightedProportion((r) => r.race_ethnicity === race);
      expect(estimate).toBeCloseTo(populationShare({ race_ethnicity: race }), 6);
      expect(unweighted).toBeCloseTo(1 / 6, 2);
    }
  });

  it.each<[string, WhereJson, (r: Row) => boolean]>([
    ['diabetes_dx = yes', { diabetes_dx: 'yes' }, (r) => r.diabetes_dx === 'yes'],
    ['hypertension_dx = yes', { hypertension_dx: 'yes' }, (r) => r.hypertension_dx === 'yes'],
    ['smoked_100_cigarettes = yes', { smoked_100_cigarettes: 'yes' }, (r) => r.smoked_100_cigarettes === 'yes'],
    ['age ≥ 50', { age_years: { gte: 50 } }, (r) => (r.age_years as number) >= 50],
    ['income_poverty_ratio < 1.3', { income_poverty_ratio: { lt: 1.3 } }, (r) => typeof r.income_poverty_ratio === 'number' && r.income_poverty_ratio < 1.3],
  ])('recovers P(%s | where) within 4 standard errors', (_name, extra, test) => {
    const { estimate, se } = weightedProportion(test);
    const truth = populationShare(extra);
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(estimate - truth)).toBeLessThan(4 * se);
  });

  it('needs the weights: unweighted, the oversampled minorities shift the low-income share by > 4 SE', () => {
    const { unweighted, se } = weightedProportion((r) => typeof r.income_poverty_ratio === 'number' && r.income_poverty_ratio < 1.3);
    expect(Math.abs(unweighted - populationShare({ income_poverty_ratio: { lt: 1.3 } }))).toBeGreaterThan(4 * se);
  });
});
