import { readFileSync } from 'node:fs';

import { parseModel, parseTrustedModel, sample, serializeModel } from '../../../src/model';
import { packageFile } from '../../../src/util';

/**
 * A model file the build already validated is compiled without validating again (issue 11 §4):
 * the result must be the same model, sampling the same rows, as the full validation gives.
 */
const json = (): unknown => JSON.parse(readFileSync(packageFile('seeds', 'nhanes-2015-2016.model.json'), 'utf8')) as unknown;

it('compiles the shipped model to the same model as the full validation', () => {
  const full = parseModel(json());
  const trusted = parseTrustedModel(json());
  expect(trusted.hash).toBe(full.hash);
  expect(serializeModel(trusted)).toBe(serializeModel(full));
  // Key order may differ (the file is canonical, zod emits its shape's order); nothing reads
  // schema objects by key order: rows here and FHIR records (cli-cohort.test.ts) are byte-identical.
  expect(trusted.schema).toEqual(full.schema);
});

it('samples the same rows, unconditioned and conditioned, as the validated model', () => {
  const full = parseModel(json());
  const trusted = parseTrustedModel(json());
  const where = { sex: 'female', age_years: { gte: 40, lte: 65 }, diabetes_dx: 'yes' };
  expect(sample(trusted, { n: 300, seed: 11 })).toEqual(sample(full, { n: 300, seed: 11 }));
  expect(sample(trusted, { n: 300, seed: 11, where })).toEqual(sample(full, { n: 300, seed: 11, where }));
});
