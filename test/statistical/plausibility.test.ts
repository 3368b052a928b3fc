import { prepareSampler } from '../../src/model';
import { rngFromSeed } from '../../src/random';
import { auditPlausibility, plausibilityRulesFor } from '../../src/schema';
import type { Row, WhereJson } from '../../src/schema';
import { committedModel } from './nhanes-helpers';

/**
 * Issue 12 §1: the committed model produces no person who cannot exist. 100,000 unconditioned
 * profiles (the 1,000,000-profile run is `node dist-bench/bench/plausibility.js`) and 5,000 in
 * subgroups drawn through the box sampler, checked against every plausibility rule
 * (src/schema/plausibility.ts). Exact property: one violating row fails. Before the fix the same
 * 100,000 rows would have held ~1,100 weight-for-age, ~1,650 BMI-for-age, ~290 height-for-age and
 * ~90 insulin-without-diabetes violations (see src/model/README.md "Plausibility").
 */
const model = committedModel();
const rules = plausibilityRulesFor(model.schema);

function draw(where: WhereJson | undefined, n: number, seed: string): Row[] {
  const sampler = prepareSampler(model, where);
  const rng = rngFromSeed(seed);
  return Array.from({ length: n }, () => sampler.sample(rng));
}

const violations = (rows: readonly Row[]): string[] =>
  auditPlausibility(rules, rows)
    .filter((l) => l.violations > 0)
    .map((l) => `${l.id}: ${l.violations}`);

describe('plausibility of sampled profiles', () => {
  it('100,000 unconditioned profiles break no rule, and every rule had rows to check', () => {
    const rows = draw(undefined, 100_000, 'plausibility-100k');
    const audit = auditPlausibility(rules, rows);
    expect(audit.filter((l) => l.violations > 0).map((l) => `${l.id}: ${l.violations}`)).toEqual([]);
    // Non-vacuous: the rarest checked rule (a cardiac age at diagnosis) has hundreds of rows.
    for (const l of audit)
      expect({ id: l.id, checkable: l.checked > 100 }).toEqual({ id: l.id, checkable: true });
  });

  it.each<[string, WhereJson]>([
    ['children 2-9 (age box)', { age_years: { gte: 2, lte: 9 } }],
    ['adults 18+ (age box)', { age_years: { gte: 18 } }],
    ['high triglycerides', { triglycerides_mg_dl: { gt: 300 } }],
    ['diabetics 40-64', { diabetes_dx: 'yes', age_years: { gte: 40, lte: 64 } }],
    ['women 20-44', { sex: 'female', age_years: { gte: 20, lte: 44 } }],
  ])('5,000 profiles of %s break no rule', (label, where) => {
    expect(violations(draw(where, 5000, `plausibility-${label}`))).toEqual([]);
  });
});
