import fc from 'fast-check';

import type { Cohort } from '../../../src/cohort';
import { CohortService, cohortIdOf, createDefaultEngine, createMemoryStore, loadModels, parseCohortSpec } from '../../../src/cohort';
import { isSynthfhirError } from '../../../src/errors';
import type { SynthfhirError } from '../../../src/errors';
import { parseWhere, rowSatisfies } from '../../../src/schema';
import type { WhereJson } from '../../../src/schema';

// The real shipped model (seeds/): strata, supports and samplers are the production ones.
const models = loadModels(undefined);
const model = models.default;

function service(thinStratumRecords?: number): CohortService<typeof model, ReturnType<ReturnType<typeof createDefaultEngine>['generatePatientRecord']>> {
  return new CohortService({
    store: createMemoryStore(),
    models,
    engine: createDefaultEngine(),
    recordCacheSize: 0,
    defaults: { asOf: '2025-01-01', lookbackYears: 3 },
    ...(thinStratumRecords !== undefined ? { thinStratumRecords } : {}),
  });
}

async function failure(p: Promise<unknown>): Promise<SynthfhirError> {
  const e: unknown = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isSynthfhirError(e)) throw new Error(`expected a catalogue error, got ${String(e)}`);
  return e;
}

describe('balance and cohort identity', () => {
  it('leaves every unbalanced cohort id as it was: the default cohort keeps its id, "population" is no balance', async () => {
    const cohorts = service();
    const plain = await cohorts.register({ size: 1000, seed: 1, name: 'default' });
    // Pinned with the pre-balance identity code (default config: size 1000, seed 1, asOf 2025-01-01,
    // 3 years): on a fixed model hash, and on the shipped model (c785d11d…; changes only with a refit).
    expect(cohortIdOf({ size: 1000, seed: 1, modelHash: '37bb329265b2fixture', asOf: '2025-01-01', lookbackYears: 3 })).toBe('mo5mha2da6yt7eu6');
    expect(plain.id).toBe('d536oq4avbimdo2t');
    expect((await cohorts.register({ size: 1000, seed: 1, balance: 'population' })).id).toBe(plain.id);
    expect((await cohorts.register({ size: 1000, seed: 1, balance: { target: 'population' } })).id).toBe(plain.id);
    expect(plain.spec.balance).toBeUndefined();
    const balanced = await cohorts.register({ size: 1000, seed: 1, balance: { by: ['sex'], target: 'uniform' } });
    expect(balanced.id).not.toBe(plain.id);
    // target defaults to uniform: the same cohort.
    expect((await cohorts.register({ size: 1000, seed: 1, balance: { by: ['sex'] } })).id).toBe(balanced.id);
  });

  it.each([
    [{ by: 'sex' }, 'balance'],
    [{ by: [{ var: 'age_years', cuts: [40, 18] }] }, 'balance.by[0]'],
    [{ by: [{ var: 'age_years', cuts: [] }] }, 'balance.by[0]'],
    [{ by: ['sex'], target: { male: 0.7, female: 0.2 } }, 'balance.target'],
    [{ by: ['sex'], target: { male: -1 } }, 'balance.target'],
    [{ by: ['sex'], target: 'even' }, 'balance.target'],
    [{ by: ['sex'], extra: 1 }, 'balance'],
    [{ by: ['a', 'b', 'c', 'd', 'e'] }, 'balance.by'],
  ])('rejects the malformed balance %j naming %s', (balance, field) => {
    let err: unknown;
    try {
      parseCohortSpec({ size: 10, seed: 1, modelHash: model.hash, asOf: '2025-01-01', lookbackYears: 3, balance });
    } catch (e) {
      err = e;
    }
    expect(isSynthfhirError(err) && err.code).toBe('INVALID_INPUT');
    expect((err as Error).message).toContain(field);
  });

  it.each([
    [{ by: ['race_ethnicty'] }, 'balance.by[0]', 'did you mean "race_ethnicity"'],
    [{ by: ['age_years'] }, 'balance.by[0]', '"cuts":[18,40,65]'],
    [{ by: ['race_ethnicity', { var: 'sex', cuts: [1] }] }, 'balance.by[1]', 'cuts apply to numeric'],
    [{ by: ['sex', 'sex'] }, 'balance.by[1]', 'listed twice'],
    [{ by: ['sex'], target: { mal: 1 } }, 'balance.target["mal"]', 'did you mean "male"'],
    [{ by: ['sex', 'race_ethnicity'], target: { female: 1 } }, 'balance.target["female"]', '2 level(s)'],
    [{ by: ['cancer_first_type', 'race_ethnicity', 'smoking_now'] }, 'balance.by', 'at most 256'],
  ])('rejects %j against the schema, naming %s', async (balance, field, text) => {
    const e = await failure(service().register({ size: 10, seed: 1, balance }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.status).toBe(400);
    expect(e.message).toContain(field);
    expect(e.message).toContain(text);
    expect(e.expression).toEqual([field]);
  });
});

describe('strata', () => {
  it('allocates exactly, ties by stratum order, and weights = population share / cohort share', async () => {
    const cohorts = service();
    const c = await cohorts.register({ size: 10_000, seed: 7, balance: { by: ['race_ethnicity', 'sex'], target: 'uniform' } });
    const strata = cohorts.strataOf(c);
    expect(strata.map((s) => s.key).slice(0, 3)).toEqual(['mexican_american|male', 'mexican_american|female', 'other_hispanic|male']);
    expect(strata).toHaveLength(12); // "missing" levels have probability 0 for sex and race: no stratum
    expect(strata.map((s) => s.count)).toEqual([834, 834, 834, 834, 833, 833, 833, 833, 833, 833, 833, 833]);
    expect(strata.reduce((a, s) => a + s.populationShare, 0)).toBeCloseTo(1, 12);
    for (const s of strata) {
      expect(s.weight).toBeCloseTo(s.populationShare / (s.count / 10_000), 12);
      expect(s.thin).toBe(false);
    }
    // Weights sum to the size: the weighted cohort has the population's total.
    expect(strata.reduce((a, s) => a + s.count * (s.weight ?? 0), 0)).toBeCloseTo(10_000, 6);
    // memberOf agrees with the contiguous blocks.
    let index = 0;
    for (const s of strata) {
      expect(cohorts.memberOf(c, index)).toEqual({ stratum: s.key, weight: s.weight });
      expect(cohorts.memberOf(c, index + s.count - 1)).toEqual({ stratum: s.key, weight: s.weight });
      index += s.count;
    }
    expect(cohorts.warningsOf(c)).toEqual([]);
  });

  it('uses range bins [lo, hi) with outer bins only where the where allows them, and explicit shares by key', async () => {
    const cohorts = service();
    const c = await cohorts.register({
      size: 100,
      seed: 1,
      where: { age_years: { gte: 30, lte: 70 } },
      balance: { by: [{ var: 'age_years', cuts: [18, 40, 65] }, 'sex'], target: { '40-65|female': 0.5, '<18|male': 0, '65+|male': 0.25, '18-40|male': 0.25 } },
    });
    const strata = cohorts.strataOf(c);
    expect(strata.map((s) => [s.key, s.count])).toEqual([
      ['18-40|male', 25],
      ['40-65|female', 50],
      ['65+|male', 25],
    ]);
    expect(strata.find((s) => s.key === '65+|male')?.where).toEqual({ age_years: { gte: 65, lte: 70 }, sex: 'male' });
    // "<18" contradicts the where: not a level a target may name.
    const e = await failure(cohorts.register({ size: 10, seed: 1, where: { age_years: { gte: 30 } }, balance: { by: [{ var: 'age_years', cuts: [18] }], target: { '<18': 0.5, '18+': 0.5 } } }));
    expect(e.code).toBe('INFEASIBLE_STRATA');
  });

  it('refuses infeasible strata with 422 listing every stratum with its support', async () => {
    const e = await failure(
      service().register({ size: 100, seed: 1, where: { pregnant_at_exam: 'yes' }, balance: { by: ['sex', 'race_ethnicity'], target: { 'male|mexican_american': 0.5, 'female|mexican_american': 0.25, 'female|non_hispanic_white': 0.25 } } }),
    );
    expect(e.code).toBe('INFEASIBLE_STRATA');
    expect(e.status).toBe(422);
    expect(e.message).toContain('1 of 3 strata have no training support (male|mexican_american)');
    const strata = e.params.strata as { key: string; support: number; feasible: boolean }[];
    expect(strata.map((s) => [s.key, s.feasible])).toEqual([
      ['male|mexican_american', false],
      ['female|mexican_american', true],
      ['female|non_hispanic_white', true],
    ]);
    for (const s of strata) expect(e.message).toContain(`${s.key}: `);
    expect(strata[1].support).toBeGreaterThan(0);
    expect(e.message).toContain('contradicts the where or the schema');
  });

  it('accepts thin strata with a warning naming each one', async () => {
    const cohorts = service(200);
    const c = await cohorts.register({ size: 60, seed: 2, balance: { by: ['race_ethnicity'] } });
    const thin = cohorts.strataOf(c).filter((s) => s.thin);
    expect(thin.length).toBeGreaterThan(0);
    expect(thin.every((s) => s.support < 200)).toBe(true);
    const warnings = cohorts.warningsOf(c);
    expect(warnings).toHaveLength(thin.length);
    thin.forEach((s, i) => expect(warnings[i]).toContain(`"${s.key}" is thinly supported`));
  });

  it('is a single stratum "all" with weight 1 without balance', async () => {
    const cohorts = service();
    const c = await cohorts.register({ size: 5, seed: 1, where: { sex: 'female' } });
    expect(cohorts.memberOf(c, 4)).toEqual({ stratum: 'all', weight: 1 });
    const [s] = cohorts.strataOf(c);
    expect(s).toMatchObject({ key: 'all', count: 5, populationShare: 1, weight: 1, thin: false });
    expect(s.support).toBeGreaterThan(1000);
  });
});

describe('sampling a balanced cohort', () => {
  const byArb = fc.subarray(
    [
      'sex',
      'race_ethnicity',
      { var: 'age_years', cuts: [30, 50] },
      'diabetes_dx',
      { var: 'hba1c_percent', cuts: [5.7, 6.5] },
    ] as const,
    { minLength: 1, maxLength: 2 },
  );
  const whereArb = fc.constantFrom<WhereJson>(
    {},
    { sex: 'female' },
    { age_years: { gte: 40, lt: 65 } },
    { diabetes_dx: 'yes', age_years: { gte: 20 } },
    { race_ethnicity: ['mexican_american', 'non_hispanic_black'], diabetes_dx: ['yes', 'borderline'] },
  );

  it('puts every patient in its stratum and inside the where (random specs)', async () => {
    const cohorts = service();
    const seen: Cohort[] = [];
    const refused: string[] = [];
    await fc.assert(
      fc.asyncProperty(byArb, whereArb, fc.integer({ min: 0, max: 1000 }), async (by, where, seed) => {
        const r: Cohort | Error = await cohorts.register({ size: 40, seed, where, balance: { by: [...by] } }).catch((e: Error) => e);
        if (r instanceof Error) {
          refused.push(isSynthfhirError(r) ? r.code : String(r));
          return;
        }
        const c = r;
        seen.push(c);
        const parsedWhere = parseWhere(model.schema, where);
        const strata = cohorts.strataOf(c);
        expect(strata.reduce((a, s) => a + s.count, 0)).toBe(40);
        for (let i = 0; i < 40; i++) {
          const row = cohorts.profileAt(c, i);
          const { stratum } = cohorts.memberOf(c, i);
          const s = strata.find((x) => x.key === stratum)!;
          expect(rowSatisfies(parsedWhere, row)).toBe(true);
          expect(rowSatisfies(parseWhere(model.schema, s.where ?? {}), row)).toBe(true);
        }
      }),
      { numRuns: 10, seed: 9 },
    );
    expect(seen.length).toBeGreaterThan(5);
    // A where the model cannot split this way is refused as a whole, never served short.
    for (const code of refused) expect(['INFEASIBLE_STRATA', 'INVALID_INPUT']).toContain(code);
  });

  it('is a pure function of (model, cohort, index): same bytes from a fresh service', async () => {
    const spec = { size: 30, seed: 5, balance: { by: ['race_ethnicity', 'sex'] } };
    const a = service();
    const b = service();
    const ca = await a.register(spec);
    const cb = await b.register(spec);
    expect(cb.id).toBe(ca.id);
    expect(cohortIdOf(ca.spec)).toBe(ca.id);
    for (const i of [29, 0, 17]) {
      expect(JSON.stringify(b.recordAt(cb, i))).toBe(JSON.stringify(a.recordAt(ca, i)));
    }
  });

  it('writes stratum and weight as the cohort-member Patient extension, only for balanced cohorts', async () => {
    const cohorts = service();
    const balanced = await cohorts.register({ size: 12, seed: 3, balance: { by: ['sex'] } });
    const patient = cohorts.recordAt(balanced, 11).patient;
    const ext = patient.extension?.find((x) => x.url === 'https://synthfhir.dev/fhir/StructureDefinition/cohort-member');
    const member = cohorts.memberOf(balanced, 11);
    expect(ext).toEqual({ url: 'https://synthfhir.dev/fhir/StructureDefinition/cohort-member', extension: [{ url: 'stratum', valueString: member.stratum }, { url: 'weight', valueDecimal: member.weight }] });
    const plain = await cohorts.register({ size: 12, seed: 3 });
    expect(cohorts.recordAt(plain, 11).patient.extension?.some((x) => x.url.endsWith('cohort-member'))).toBe(false);
  });
});
