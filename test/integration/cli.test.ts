import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadModel } from '../../src/cli/inputs';
import { parseModel, prepareSampler, sample, sampleRowsAt } from '../../src/model';
import type { Model } from '../../src/model';
import { csvField, formatCsv, outputColumns, parseCsvTable, parseWhere, rowSatisfies } from '../../src/schema';
import { cli, memoryIo, SCHEMA_FILE, smallNhanesCsv } from './cli-support';

/** The CLI in-process: fit a small model once, then sample/support against it. */
let modelFile: string;
let model: Model;
let dir: string;
let fitSummary: string;

beforeAll(async () => {
  const small = smallNhanesCsv();
  dir = small.dir;
  modelFile = join(dir, 'model.json');
  const fitted = await cli(['fit', '--data', small.csv, '--schema', SCHEMA_FILE, '--out', modelFile, '--weights', 'weight_exam', '--seed', '5', '--components', '3']);
  if (fitted.code !== 0) throw new Error(`fit failed (${fitted.code}): ${fitted.err}`);
  fitSummary = fitted.err;
  const text = fitted.io.files.get(modelFile) ?? '';
  model = parseModel(JSON.parse(text));
  // The memory io keeps files in memory; later commands read the model from disk.
  writeFileSync(modelFile, text);
});

describe('synthfhir fit', () => {
  it('writes a model that parses, and prints the summary on stderr only', () => {
    expect(fitSummary).toMatch(/^fitted 2500 rows: K = \d+, log-likelihood = -?\d+\.\d, \d+\.\d s → .*model\.json \(hash [0-9a-f]{12}\)\n$/);
    expect(model.schema.variables.length).toBeGreaterThan(50);
    expect(existsSync(modelFile)).toBe(true);
  });
});

describe('synthfhir sample', () => {
  it('prints CSV with the schema and derived columns, n rows', async () => {
    const r = await cli(['sample', '--model', modelFile, '--n', '40', '--seed', '7']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0].split(',')).toEqual(outputColumns(model.schema));
    expect(lines.length).toBe(41);
  });

  it('equals formatCsv(sample(model, {n, seed})) and is byte-identical across runs', async () => {
    const a = await cli(['sample', '--model', modelFile, '--n', '25', '--seed', '11']);
    const b = await cli(['sample', '--model', modelFile, '--n', '25', '--seed', '11']);
    const c = await cli(['sample', '--model', modelFile, '--n', '25', '--seed', '12']);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
    expect(a.out).toBe(formatCsv(model.schema, sample(model, { n: 25, seed: 11 })));
  });

  it('row i does not depend on n (a prefix of a longer sample)', async () => {
    const short = await cli(['sample', '--model', modelFile, '--n', '10', '--seed', '3']);
    const long = await cli(['sample', '--model', modelFile, '--n', '2500', '--seed', '3']);
    expect(long.out.startsWith(short.out)).toBe(true);
  });

  it('honours --where on every row', async () => {
    const whereJson = { sex: 'female', age_years: { gte: 40, lt: 65 }, smoked_100_cigarettes: 'yes' };
    const r = await cli(['sample', '--model', modelFile, '--n', '200', '--where', JSON.stringify(whereJson)]);
    expect(r.code).toBe(0);
    const rows = parseCsvTable(r.out, model.schema).rows;
    expect(rows.length).toBe(200);
    const where = parseWhere(model.schema, whereJson);
    expect(rows.filter((row) => !rowSatisfies(where, row))).toEqual([]);
  });

  it('prints NDJSON with missing values as absent keys, same values as the CSV', async () => {
    const csv = await cli(['sample', '--model', modelFile, '--n', '30', '--seed', '9']);
    const nd = await cli(['sample', '--model', modelFile, '--n', '30', '--seed', '9', '--format', 'ndjson']);
    const objects = nd.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.length).toBe(30);
    for (const o of objects) {
      expect(Object.values(o)).not.toContain(null);
      expect(Object.keys(o).every((k) => outputColumns(model.schema).includes(k))).toBe(true);
    }
    const rows = parseCsvTable(csv.out, model.schema, model.schema.derived.map((d) => d.name)).rows;
    expect(objects).toEqual(rows);
  });

  it('--out writes the file and nothing on stdout', async () => {
    const out = join(dir, 'rows.csv');
    const r = await cli(['sample', '--model', modelFile, '--n', '5', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.io.files.get(out)?.split('\n').length).toBe(7);
  });
});

describe('synthfhir support', () => {
  it('prints {probability, effectiveRecords}', async () => {
    const r = await cli(['support', '--model', modelFile, '--where', '{"sex":"female"}']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { probability: number; effectiveRecords: number };
    // About half the population is female; 0.3-0.7 is loose enough for a 3-component fit on 2,500 rows.
    expect(s.probability).toBeGreaterThan(0.3);
    expect(s.probability).toBeLessThan(0.7);
    expect(s.effectiveRecords).toBeGreaterThan(0);
  });
});

describe('bad input: one line on stderr, nothing on stdout, exit 2', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['unknown variable', () => ['sample', '--model', modelFile, '--n', '5', '--where', '{"agee_years":{"gte":3}}'], /^synthfhir: Unknown variable "agee_years" \(did you mean "age_years"\?\)\.$/],
    ['unknown category', () => ['sample', '--model', modelFile, '--n', '5', '--where', '{"sex":"woman"}'], /^synthfhir: Unknown category "woman" for sex; valid: male, female\.$/],
    ['malformed JSON', () => ['sample', '--model', modelFile, '--n', '5', '--where', '{sex:female}'], /^synthfhir: Invalid where: --where is not valid JSON \(.*\): \{sex:female\}$/],
    ['inverted range', () => ['support', '--model', modelFile, '--where', '{"age_years":{"gte":60,"lt":40}}'], /^synthfhir: Invalid where: age_years: empty range/],
    ['missing model file', () => ['sample', '--model', join(dir, 'nope.json'), '--n', '5'], /^synthfhir: Cannot read .*nope\.json: no such file$/],
    ['missing data file', () => ['fit', '--data', join(dir, 'nope.csv'), '--schema', SCHEMA_FILE, '--out', join(dir, 'x.json')], /^synthfhir: Cannot read .*nope\.csv: no such file$/],
    ['model file that is not JSON', () => ['sample', '--model', smallNhanesCsv().csv, '--n', '1'], /^synthfhir: .*small\.csv is not valid JSON: /],
    ['bad --n', () => ['sample', '--model', modelFile, '--n', '0'], /^synthfhir: --n must be a whole number from 1 to/],
    ['non-numeric --n', () => ['sample', '--model', modelFile, '--n', 'ten'], /^synthfhir: --n must be a whole number/],
    ['missing --n', () => ['sample', '--model', modelFile], /^synthfhir: required option '--n <N>' not specified$/],
    ['bad --format', () => ['sample', '--model', modelFile, '--n', '1', '--format', 'xml'], /^synthfhir: option '--format <format>' argument 'xml' is invalid/],
    ['unknown option', () => ['sample', '--n', '1', '--modle', modelFile], /^synthfhir: unknown option '--modle'/],
    ['unknown command', () => ['smaple'], /^synthfhir: unknown command 'smaple'/],
    ['bad --weights', () => ['fit', '--data', smallNhanesCsv().csv, '--schema', SCHEMA_FILE, '--out', join(dir, 'x.json'), '--weights', 'weight_exma'], /^synthfhir: --weights column "weight_exma" is not in/],
    ['bad --components', () => ['fit', '--data', join(dir, 'nope.csv'), '--schema', SCHEMA_FILE, '--out', join(dir, 'x.json'), '--components', '10,x'], /^synthfhir: --components must be a whole number from 1 to 500, got "x"$/],
  ];
  it.each(cases)('%s', async (_title, argv, message) => {
    const r = await cli(argv());
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err.trimEnd()).toMatch(message);
  });
});

describe('impossible subgroups exit 3', () => {
  it('contradicting the schema', async () => {
    const r = await cli(['sample', '--model', modelFile, '--n', '5', '--where', '{"pregnant_at_exam":"yes","sex":"male"}']);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^synthfhir: Impossible subgroup: the where's pregnant_at_exam = "yes" requires sex = "female"/);
  });

  it('outside the bounds (top-coded age)', async () => {
    const r = await cli(['support', '--model', modelFile, '--where', '{"age_years":{"gte":90}}']);
    expect(r.code).toBe(3);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('leaves no --out file behind', async () => {
    const out = join(dir, 'never.csv');
    const r = await cli(['sample', '--model', modelFile, '--n', '5', '--out', out, '--where', '{"age_years":{"gte":90}}']);
    expect(r.code).toBe(3);
    expect(r.io.files.has(out)).toBe(false);
  });
});

describe('unexpected errors exit 1', () => {
  it('says "internal error" without a stack, and shows it with --debug', async () => {
    const quiet = await cli(['sample', '--model', modelFile, '--n', '1'], memoryIo({ failWrites: new Error('disk on fire') }));
    expect(quiet.code).toBe(1);
    expect(quiet.err).toBe('synthfhir: internal error (run with --debug for details)\n');
    const loud = await cli(['--debug', 'sample', '--model', modelFile, '--n', '1'], memoryIo({ failWrites: new Error('disk on fire') }));
    expect(loud.code).toBe(1);
    expect(loud.err).toMatch(/^synthfhir: internal error\nError: disk on fire\n\s+at /);
  });
});

describe('help', () => {
  it('exits 0 and lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fit[\s\S]*sample[\s\S]*support/);
  });
});

it('the schema file is the one shipped', () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toContain('"name": "nhanes-2015-2016"');
});

describe('zero support exits 3', () => {
  // A 3-component fit on 2,500 rows suppresses categories backed by fewer than k = 10 records
  // (docs/MODEL.md "The contract"): "bone" (1 record in the whole file) cannot have support.
  it('sample refuses, naming the subgroup', async () => {
    const r = await cli(['sample', '--model', modelFile, '--n', '5', '--where', '{"cancer_first_type":"bone"}']);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^synthfhir: No training support for \{"cancer_first_type":"bone"\}/);
  });

  it('support prints the numbers, then exits 3 with one line', async () => {
    const r = await cli(['support', '--model', modelFile, '--where', '{"cancer_first_type":"bone"}']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toEqual({ probability: 0, effectiveRecords: 0 });
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^synthfhir: No training support for/);
  });
});

describe('synthfhir sample CSV bytes', () => {
  it('are csvField of every value, columns in order (the generated line writer and its caches change no byte)', async () => {
    const n = 400;
    const r = await cli(['sample', '--n', String(n), '--seed', '11']);
    expect(r.code).toBe(0);
    const shipped = loadModel(undefined);
    const columns = outputColumns(shipped.schema);
    const rowAt = sampleRowsAt(shipped, prepareSampler(shipped), 11);
    const lines = Array.from({ length: n }, (_, i) => {
      const row = rowAt(i);
      return columns.map((c) => csvField(row[c])).join(',');
    });
    const expected = [columns.map((c) => csvField(c)).join(','), ...lines];
    expect(r.out).toBe(expected.join('\n') + '\n');
  });
});
