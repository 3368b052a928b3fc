import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildModel, parseModel, prepareRecordSampler, prepareSampler, recordPointsOf } from '../../../src/model';
import type { Model, ModelParams } from '../../../src/model';
import { choleskyRobust, forwardSolveInPlace, backSolveTransposeInPlace } from '../../../src/model/linalg';
import { chiSquareSf, conditionOnPoints } from '../../../src/model/record-condition';
import { rngFromSeed, streamFor } from '../../../src/random';
import { parseWhere } from '../../../src/schema';

const TINY = join(__dirname, '..', '..', 'fixtures', 'model', 'tiny.model.json');

function tiny(): Model {
  return parseModel(JSON.parse(readFileSync(TINY, 'utf8')));
}

/** The tiny model cut down to its component k alone (weight 1): a one-component model. */
function oneComponent(model: Model, k: number): Model {
  const p = model.params;
  const pick = <T>(xs: readonly T[]): T[] => [xs[k]];
  const params = {
    ...p,
    k: 1,
    weights: [1],
    categorical: p.categorical.map((c) => ({ ...c, probs: pick(c.probs) })),
    core: {
      ...p.core,
      mean: pick(p.core.mean),
      cov: pick(p.core.cov),
      presence: pick(p.core.presence),
      drivers: { ...p.core.drivers, stratumEffects: undefined },
    },
    satellites: p.satellites.map((s) => ({ ...s, presence: pick(s.presence), mean: pick(s.mean), sd: pick(s.sd), ...(s.slope !== undefined ? { slope: pick(s.slope) } : {}) })),
  } as unknown as ModelParams;
  return buildModel(model.schema, JSON.parse(JSON.stringify(params)) as ModelParams);
}

describe('record conditioning (many points, exact)', () => {
  it('matches the closed-form conditional normal on a one-component model', () => {
    const model = oneComponent(tiny(), 0);
    const cm = model.compiled;
    const where = { age_years: 45, sex: 'female', race_ethnicity: cm.cats[cm.layout.byName.get('race_ethnicity')!.slot].labels[0], body_height_cm: 165.2, body_weight_kg: 80.4 };
    const parsed = parseWhere(model.schema, where);
    const points = recordPointsOf(cm, parsed);
    expect(points.map((p) => p.name).sort()).toEqual(['age_years', 'body_height_cm', 'body_weight_kg']);
    // Closed form in z: x_R | x_P = c ~ N(μ_R + Bf_R + Σ_RP Σ_PP⁻¹ (c − μ_P − Bf_P), Σ_RR − Σ_RP Σ_PP⁻¹ Σ_PR).
    const d = cm.d;
    const mean = Float64Array.from(cm.mean.subarray(0, d));
    const F = cm.features.length;
    const sexSlot = cm.layout.byName.get('sex')!.slot;
    const raceSlot = cm.layout.byName.get('race_ethnicity')!.slot;
    cm.features.forEach((f, q) => {
      const state = f.cat === sexSlot ? cm.cats[sexSlot].labels.indexOf('female') : f.cat === raceSlot ? 0 : -1;
      if (f.state === state) for (let j = 0; j < d; j++) mean[j] += cm.effectsOf[0][j * F + q];
    });
    const P = points.map((p) => p.slot);
    const r = cm.layout.byName.get('systolic_bp_1_mmhg')!.slot;
    const sigma = cm.cov.subarray(0, d * d);
    const m = P.length;
    const spp = new Float64Array(m * m);
    P.forEach((a, i) => P.forEach((b, j) => (spp[i * m + j] = sigma[a * d + b])));
    const l = choleskyRobust(spp, m);
    const resid = Float64Array.from(P, (j, i) => points[i].z - mean[j]);
    forwardSolveInPlace(l, m, resid);
    backSolveTransposeInPlace(l, m, resid);
    const srp = Float64Array.from(P, (j) => sigma[r * d + j]);
    let mu = mean[r];
    for (let i = 0; i < m; i++) mu += srp[i] * resid[i];
    const tmp = Float64Array.from(srp);
    forwardSolveInPlace(l, m, tmp);
    backSolveTransposeInPlace(l, m, tmp);
    let v = sigma[r * d + r];
    for (let i = 0; i < m; i++) v -= srp[i] * tmp[i];
    // The derived model holds exactly this conditional.
    const conditioned = conditionOnPoints(cm, parsed, points).compiled;
    expect(conditioned.k).toBe(1);
    const effectOnR = conditioned.hasEffect[r] ? NaN : 0;
    expect(conditioned.mean[r] + effectOnR).toBeCloseTo(mu, 10);
    expect(conditioned.cov[r * d + r]).toBeCloseTo(v, 10);
    // And the sampler draws from it: systolic's z over 12,000 rows. The transform is monotone
    // with a reporting step of 1 mmHg (≪ the conditional SD), so the scores of the reported values
    // have mean μ and variance v up to the grid: SE of the mean √(v/n) ≈ 0.009 v^½; tolerance 4 SE
    // plus a grid allowance of 0.02.
    const sampler = prepareSampler(model, where);
    const tr = cm.core[r].tr;
    const n = 12000;
    let s = 0;
    let s2 = 0;
    let got = 0;
    for (let i = 0; i < n; i++) {
      const row = sampler.sample(streamFor({ modelHash: model.hash, cohortId: 'closed-form', index: i, part: 'profile' }));
      for (const p of points) expect(row[p.name]).toBe(p.value);
      const x = row.systolic_bp_1_mmhg;
      if (typeof x !== 'number') continue;
      const z = tr.forward(x);
      s += z;
      s2 += z * z;
      got++;
    }
    const zMean = s / got;
    const zVar = s2 / got - zMean ** 2;
    expect(got).toBeGreaterThan(n * 0.5);
    expect(Math.abs(zMean - mu)).toBeLessThan(4 * Math.sqrt(v / got) + 0.02);
    // Variance: SE ≈ v √(2/n); 5 SE plus the grid's step²/12 in z.
    expect(Math.abs(zVar - v)).toBeLessThan(5 * v * Math.sqrt(2 / got) + 0.01);
  });

  it('every row holds every kept value, with many points, on the four-component model', () => {
    const model = tiny();
    const where = { age_years: 52, sex: 'male', body_height_cm: 178.3, body_weight_kg: 91.2, systolic_bp_1_mmhg: 131, hba1c_percent: 6.1, diabetes_dx: 'no', smoked_100_cigarettes: 'yes' };
    // A second record: an age at diagnosis capped by a held age (weighed in the class weights).
    const diabetic = { age_years: 61, sex: 'female', body_weight_kg: 84.5, hba1c_percent: 7.4, diabetes_dx: 'yes', diabetes_age_dx_years: 52 };
    for (const w of [where, diabetic]) {
      const sampler = prepareSampler(model, w);
      for (let i = 0; i < 500; i++) {
        const row = sampler.sample(rngFromSeed(`exact-${i}`));
        for (const [k, v] of Object.entries(w)) expect({ k, v: row[k] }).toEqual({ k, v });
      }
    }
  });

  it('agrees with the lattice/SIR path on the same subgroup written as ranges', () => {
    const model = tiny();
    const points = { age_years: 60, sex: 'female', body_weight_kg: 70, hba1c_percent: 6.5 };
    const ranges = { age_years: { gte: 60, lte: 60 }, sex: 'female', body_weight_kg: { gte: 69.9, lte: 70.1 }, hba1c_percent: { gte: 6.4, lte: 6.6 } };
    const mean = (where: Record<string, unknown>, name: string): number => {
      const s = prepareSampler(model, where as never);
      let sum = 0;
      let n = 0;
      for (let i = 0; i < 6000; i++) {
        const x = s.sample(rngFromSeed(`agree-${i}`))[name];
        if (typeof x === 'number') {
          sum += x;
          n++;
        }
      }
      return sum / n;
    };
    // Body height's conditional SD here is ~7 cm: SE of each mean ≈ 0.09 cm at n = 6000; the two
    // subgroups differ by ±0.1 kg / ±0.1 % around the points, worth < 0.1 cm. Tolerance 0.6 cm.
    expect(Math.abs(mean(points, 'body_height_cm') - mean(ranges, 'body_height_cm'))).toBeLessThan(0.6);
    expect(Math.abs(mean(points, 'systolic_bp_1_mmhg') - mean(ranges, 'systolic_bp_1_mmhg'))).toBeLessThan(1.5);
  });

  it('refuses values outside the model support (422, naming them), and accepts what a class holds', () => {
    const model = tiny();
    expect(() => prepareRecordSampler(model, { age_years: 40, body_height_cm: 250, body_weight_kg: 80 })).toThrow(/body_height_cm/);
    let caught: unknown;
    try {
      prepareRecordSampler(model, { age_years: 40, sex: 'male', body_height_cm: 150, body_weight_kg: 150 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'UNSUPPORTED_SUBGROUP', status: 422 });
    expect(String(caught)).toMatch(/body_(height_cm|weight_kg)/);
    expect(prepareRecordSampler(model, { age_years: 40, sex: 'male', body_height_cm: 176, body_weight_kg: 82 }).probability).toBeGreaterThan(0);
  });

  it('χ² tail in closed form (odd and even degrees of freedom)', () => {
    // Critical values at 0.05 (tables; scipy.stats.chi2.isf(0.05, m)).
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 9);
    expect(chiSquareSf(7.814727903251178, 3)).toBeCloseTo(0.05, 9);
    expect(chiSquareSf(18.307038053275146, 10)).toBeCloseTo(0.05, 9);
    // m = 10, x = 40: e^-20 (1 + 20 + 200 + 4000/3 + 20000/3) by hand.
    expect(chiSquareSf(40, 10)).toBeCloseTo(Math.exp(-20) * (1 + 20 + 200 + 4000 / 3 + 20000 / 3), 15);
    expect(chiSquareSf(0, 4)).toBe(1);
  });
});
