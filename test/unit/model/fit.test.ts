import { InvalidInputError } from '../../../src/errors';
import { fit, logDensity, parseModel, sample, serializeModel } from '../../../src/model';
import { untruncatedMoments } from '../../../src/model/fit';
import { normCdf, normPdf } from '../../../src/random';
import { hashOf } from '../../../src/util';
import { tinySchema, tinyTable } from './helpers';

describe('fit on the made-up fixture', () => {
  const schema = tinySchema();
  const table = tinyTable(schema);
  const a = fit(table, schema, { weights: 'weight_exam', seed: 7, components: [3] });

  it('is deterministic: same seed, same hash; another seed, another hash', () => {
    expect(fit(table, schema, { weights: 'weight_exam', seed: 7, components: [3] }).model.hash).toBe(a.model.hash);
    expect(fit(table, schema, { weights: 'weight_exam', seed: 8, components: [3] }).model.hash).not.toBe(a.model.hash);
  });

  it('merges categories under k into "other" and never samples them', () => {
    const kind = a.model.params.categorical.find((c) => c.name === 'kind')!;
    expect(kind.states).toEqual(['common', 'other']);
    expect(kind.merged).toEqual({ never_seen: 'other', rare_one: 'other', rare_two: 'other' });
  });

  it('drops components under k records (a high floor leaves fewer)', () => {
    const big = fit(table, schema, { weights: 'weight_exam', seed: 7, components: [40], kFloor: 60 });
    expect(big.k).toBeLessThan(40);
    expect(big.k).toBeLessThanOrEqual(Math.floor(table.rows.length / 60));
  });

  it('chooses K by held-out likelihood among candidates and records them', () => {
    const r = fit(table, schema, { weights: 'weight_exam', seed: 7, components: [1, 3] });
    expect(r.candidates.map((c) => c.k)).toEqual([1, 3]);
    const best = r.candidates.reduce((x, y) => (y.heldOutLogLikelihood > x.heldOutLogLikelihood ? y : x));
    expect(r.model.params.fit.candidates).toEqual(r.candidates.map((c) => ({ k: c.k, heldOutLogLikelihood: expect.any(Number) })));
    expect(best.k).toBe(3);
  });

  it('serialises to canonical JSON that parses back to the same hash', () => {
    const text = serializeModel(a.model);
    const back = parseModel(JSON.parse(text));
    expect(back.hash).toBe(a.model.hash);
    expect(serializeModel(back)).toBe(text);
  });

  it('rejects a tampered or mis-versioned file', () => {
    const json = JSON.parse(serializeModel(a.model));
    json.params.weights[0] += 0.001;
    expect(() => parseModel(json)).toThrow(/hash mismatch/);
    const v = JSON.parse(serializeModel(a.model));
    v.formatVersion = 99;
    expect(() => parseModel(v)).toThrow(/formatVersion 99/);
    expect(() => parseModel({ hello: 1 })).toThrow(InvalidInputError);
  });

  it('gives children (age under 18) components and driver effects of their own, checked on parse', () => {
    const children = fit(table, schema, { weights: 'weight_exam', seed: 7, components: [3], strata: [{ variable: 'age_years', below: 18, share: 0.3 }] });
    const se = children.model.params.core.drivers.stratumEffects;
    // K = 3 × share 0.3 → 1 component; the tiny rows under 18 are ~20% of the fixture.
    expect(se?.components).toHaveLength(1);
    expect(se?.effects).toHaveLength(a.model.params.core.names.length);
    const none = fit(table, schema, { weights: 'weight_exam', seed: 7, components: [3], strata: [] });
    expect(none.model.params.core.drivers.stratumEffects).toBeUndefined();
    // A file whose stratum effects have the wrong shape is refused even with a matching hash.
    const json = JSON.parse(serializeModel(children.model));
    json.params.core.drivers.stratumEffects.effects.pop();
    json.hash = hashOf({ formatVersion: json.formatVersion, schema: json.schema, params: json.params });
    expect(() => parseModel(json)).toThrow(/stratumEffects\.effects has the wrong shape/);
    json.params.core.drivers.stratumEffects = { components: [7], effects: children.model.params.core.drivers.effects };
    json.hash = hashOf({ formatVersion: json.formatVersion, schema: json.schema, params: json.params });
    expect(() => parseModel(json)).toThrow(/components must be distinct components below k/);
  });

  it('bands: every component pure in one age band, its age truncated to it (written, parsed, checked)', () => {
    const strata = [
      { variable: 'age_years', below: 18, share: 0.25 },
      { variable: 'age_years', from: 18, below: 50, share: 0.5, crossed: true },
      { variable: 'age_years', from: 50, below: Infinity, share: 0.25, crossed: true },
    ];
    const banded = fit(table, schema, { weights: 'weight_exam', seed: 7, components: [4], strata });
    const bands = banded.model.params.core.bands;
    expect(bands?.variable).toBe('age_years');
    // Unrounded edges of reported ages (17 | 18 at 17.5); null = open.
    const edges = new Set(bands!.lo.map((lo, k) => `${lo}-${bands!.hi[k]}`));
    expect([...edges].every((e) => ['null-17.5', '17.5-49.5', '49.5-null'].includes(e))).toBe(true);
    expect(edges.size).toBeGreaterThan(1);
    // Sampled ages stay in some band of their class: every row's log-density is finite.
    const rows = sample(banded.model, { n: 300, seed: 'bands' });
    for (const row of rows) expect(Number.isFinite(logDensity(banded.model, row))).toBe(true);
    // Overlapping or cross-variable range strata are refused; a bad band shape is refused on parse.
    expect(() => fit(table, schema, { weights: 'weight_exam', seed: 7, components: [4], strata: [{ variable: 'age_years', below: 30, share: 0.3 }, { variable: 'age_years', from: 20, below: 60, share: 0.3 }] })).toThrow(/disjoint/);
    const json = JSON.parse(serializeModel(banded.model));
    json.params.core.bands.lo[0] = 100;
    json.params.core.bands.hi[0] = 10;
    json.hash = hashOf({ formatVersion: json.formatVersion, schema: json.schema, params: json.params });
    expect(() => parseModel(json)).toThrow(/lo must be below hi/);
  });

  it('untruncatedMoments inverts the truncated normal moments (closed form, JKB §10.1)', () => {
    const moments = (mu: number, sd: number, a: number, b: number): [number, number] => {
      const al = (a - mu) / sd;
      const be = (b - mu) / sd;
      const z = normCdf(be) - normCdf(al);
      const pa = Number.isFinite(al) ? normPdf(al) : 0;
      const pb = Number.isFinite(be) ? normPdf(be) : 0;
      const l = (pa - pb) / z;
      return [mu + sd * l, sd * sd * (1 + ((Number.isFinite(al) ? al * pa : 0) - (Number.isFinite(be) ? be * pb : 0)) / z - l * l)];
    };
    for (const [mu, sd, a, b] of [[0, 1, -0.5, 1], [0.3, 0.2, 0, 0.5], [1, 2, -Infinity, 0.5], [-1, 0.5, -0.8, Infinity]]) {
      const [m, v] = moments(mu, sd, a, b);
      const back = untruncatedMoments(m, v, a, b);
      expect(back.mu).toBeCloseTo(mu, 6);
      expect(back.variance).toBeCloseTo(sd * sd, 6);
    }
  });

  it('names a missing weight column', () => {
    expect(() => fit(table, schema, { weights: 'no_such_weight', seed: 1 })).toThrow(/no_such_weight/);
  });
});
