import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCsvRecords } from '../../src/schema';
import { packageFile } from '../../src/util/package-root';
import { cli } from './cli-support';

/** The first rows of the NHANES table, every column (ids and weights included), as a --given file. */
function given(rows: number, edit?: (lines: string[]) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'synthfhir-synth-'));
  const lines = readFileSync(packageFile('data', 'nhanes', 'nhanes_2015_2016.csv'), 'utf8').split('\n').slice(0, rows + 1);
  edit?.(lines);
  const file = join(dir, 'given.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const REPLACE = ['hba1c_percent', 'systolic_bp_1_mmhg', 'diabetes_dx'];

describe('synthfhir synthesize', () => {
  const file = given(25);
  const input = parseCsvRecords(readFileSync(file, 'utf8')).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  const header = input[0].fields;
  let first: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    first = await cli(['synthesize', '--given', file, '--replace', REPLACE.join(','), '--seed', '3', '--on-error', 'skip', '--out', 'out.csv', '--report', 'report.json']);
  });

  it('keeps row order and every kept field; replaced fields are redrawn; skipped rows are listed', () => {
    expect(first.code).toBe(0);
    const out = parseCsvRecords(first.io.files.get('out.csv') ?? '').filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
    const report = JSON.parse(first.io.files.get('report.json') ?? '{}') as { rowsIn: number; rowsOut: number; errors: { row: number }[]; replaced: { name: string; value: number }[] };
    expect(out[0].fields).toEqual(header);
    expect(report.rowsIn).toBe(25);
    expect(report.rowsOut + report.errors.length).toBe(25);
    const skipped = new Set(report.errors.map((e) => e.row));
    const kept = input.slice(1).filter((_, i) => !skipped.has(i + 1));
    expect(out.length - 1).toBe(kept.length);
    const replacedAt = REPLACE.map((n) => header.indexOf(n));
    const bmiAt = header.indexOf('bmi_kg_m2');
    let changed = 0;
    out.slice(1).forEach((r, i) => {
      const same = r.fields.filter((f, j) => !replacedAt.includes(j) && j !== bmiAt && f !== kept[i].fields[j]);
      expect(same).toEqual([]);
      if (replacedAt.some((j) => r.fields[j] !== kept[i].fields[j])) changed++;
    });
    expect(changed).toBeGreaterThan(kept.length / 2);
    // The privacy figure: HbA1c is fairly predictable from the rest, a diagnosis even more so.
    const hba1c = report.replaced.find((x) => x.name === 'hba1c_percent')!;
    expect(hba1c.value).toBeGreaterThan(0);
    expect(first.err).toMatch(/hba1c_percent: r2 /);
  });

  it('is reproducible by seed, changes with it, and draws row i from its own stream', async () => {
    const again = await cli(['synthesize', '--given', file, '--replace', REPLACE.join(','), '--seed', '3', '--on-error', 'skip']);
    expect(again.out).toBe(first.io.files.get('out.csv'));
    const other = await cli(['synthesize', '--given', file, '--replace', REPLACE.join(','), '--seed', '4', '--on-error', 'skip']);
    expect(other.out).not.toBe(again.out);
    // Editing row 2 leaves every other row's draws as they were.
    const edited = given(25, (lines) => {
      const f = lines[2].split(',');
      f[header.indexOf('body_weight_kg')] = '';
      lines[2] = f.join(',');
    });
    const third = await cli(['synthesize', '--given', edited, '--replace', REPLACE.join(','), '--seed', '3', '--on-error', 'skip']);
    const a = again.out.split('\n');
    const b = third.out.split('\n');
    expect(b.filter((line, i) => i !== 2 && line !== a[i])).toEqual([]);
  });

  it('--on-error fail exits 3 naming the row; bad options exit 2', async () => {
    // An interview-only respondent: the model was fitted on examined people only.
    const outside = given(6, (lines) => {
      const f = lines[4].split(',');
      f[header.indexOf('interview_exam_status')] = 'interview_only';
      lines[4] = f.join(',');
    });
    const failing = await cli(['synthesize', '--given', outside, '--replace', REPLACE.join(','), '--on-error', 'fail']);
    expect(failing.code).toBe(3);
    expect(failing.err).toMatch(/row 4 \(line 5\).*interview_only/);
    const skipping = await cli(['synthesize', '--given', outside, '--replace', REPLACE.join(','), '--on-error', 'skip']);
    expect(skipping.code).toBe(0);
    expect(skipping.out.trimEnd().split('\n')).toHaveLength(6);
    expect(skipping.err).toMatch(/row 4 \(line 5\) skipped/);
    const bad = await cli(['synthesize', '--given', file, '--replace', 'not_a_variable']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not_a_variable/);
    const both = await cli(['synthesize', '--given', file, '--replace', 'hba1c_percent', '--fill-missing']);
    expect(both.code).toBe(2);
  });

  it('--fill-missing fills empty cells only', async () => {
    const r = await cli(['synthesize', '--given', given(12), '--fill-missing', '--on-error', 'skip', '--seed', '1']);
    expect(r.code).toBe(0);
    const out = parseCsvRecords(r.out).filter((x) => !(x.fields.length === 1 && x.fields[0] === ''));
    const small = parseCsvRecords(readFileSync(given(12), 'utf8')).filter((x) => !(x.fields.length === 1 && x.fields[0] === ''));
    let filled = 0;
    const skippedRows = (r.err.match(/skipped:/g) ?? []).length;
    expect(out.length + skippedRows).toBe(small.length);
    const rows = new Map(small.slice(1).map((x) => [x.fields[0], x.fields]));
    for (const o of out.slice(1)) {
      const src = rows.get(o.fields[0])!;
      const overwritten = o.fields.filter((f, j) => src[j] !== '' && f !== src[j] && header[j] !== 'bmi_kg_m2');
      expect(overwritten).toEqual([]);
      filled += o.fields.filter((f, j) => src[j] === '' && f !== '').length;
    }
    expect(filled).toBeGreaterThan(0);
  });
});
