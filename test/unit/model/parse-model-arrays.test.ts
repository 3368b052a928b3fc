import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidInputError } from '../../../src/errors';
import { parseModel } from '../../../src/model';

/**
 * The model's numeric arrays are validated in one loop each (issue 11 §4: CLI start-up) instead
 * of a zod schema per element: they must refuse what the per-element schemas refused, naming
 * the array.
 */
describe('parseModel: numeric arrays', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'fixtures', 'model', 'tiny.model.json'), 'utf8');
  const fresh = (): { params: Record<string, unknown> & { core: Record<string, unknown[][]>; satellites: Record<string, unknown>[] } } =>
    JSON.parse(text) as never;

  it('accepts the fixture, keeping its arrays as they are', () => {
    const json = fresh();
    const model = parseModel(json);
    expect(model.params.core.mean).toEqual(json.params.core.mean);
  });

  it.each([
    ['a probability above 1', (j: ReturnType<typeof fresh>) => (j.params.core.presence[0][0] = 1.5), /core\.presence\.0.*probabilities/],
    ['a string among numbers', (j: ReturnType<typeof fresh>) => (j.params.core.mean[1][2] = 'x'), /core\.mean\.1.*finite numbers/],
    ['null for a number', (j: ReturnType<typeof fresh>) => (j.params.core.cov[0][0] = null), /core\.cov\.0/],
    ['a zero sd', (j: ReturnType<typeof fresh>) => ((j.params.satellites[1].sd as number[])[0] = 0), /satellites\.1\.sd.*positive/],
    ['a one-knot transform', (j: ReturnType<typeof fresh>) => (j.params.satellites[1].transform = { kind: 'quantile', x: [1], p: [0] }), /satellites\.1\.transform\.x.*at least 2/],
    ['a non-array', (j: ReturnType<typeof fresh>) => (j.params.weights = 0.5), /weights/],
  ])('refuses %s, naming the array', (_label, spoil, message) => {
    const json = fresh();
    spoil(json);
    expect(() => parseModel(json)).toThrow(InvalidInputError);
    expect(() => parseModel(json)).toThrow(message);
  });
});
