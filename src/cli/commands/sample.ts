import { InvalidInputError } from '../../errors';
import { prepareSampler, sampleRowsAt } from '../../model';
import type { Model, Sampler } from '../../model';
import { csvField, outputColumns } from '../../schema';
import type { Row, Value } from '../../schema';
import type { CliIo, Output } from '../io';
import { loadModel, MAX_SAMPLE_ROWS, parseIntOption, parseSeed, parseWhereArg } from '../inputs';

/** Options of `synthfhir sample` as commander hands them over (strings). */
export interface SampleArgs {
  readonly model?: string;
  readonly n: string;
  readonly where?: string;
  readonly seed: string;
  readonly format: string;
  readonly out?: string;
}

/** Rows per write: bounds memory for any --n while keeping writes large. */
const CHUNK_ROWS = 2000;

const FORMATS = ['csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

function parseFormat(text: string): Format {
  const f = FORMATS.find((x) => x === text);
  if (f === undefined) throw new InvalidInputError(`--format must be one of ${FORMATS.join(', ')}, got "${text}"`);
  return f;
}

/** Distinct labels whose quoted text a column keeps. */
const FIELD_CACHE_LIMIT = 4096;
/**
 * Distinct numbers whose text a column keeps: values are rounded to the column's reporting grid,
 * so a column has a few thousand at most (age 0–80, weight in 0.1 kg...); a column with more
 * prints the rest with String().
 */
const NUMBER_CACHE_LIMIT = 1 << 15;
/** Grid indices (value × 10^decimals) a numeric column keeps texts for, from 0 (lazily, 192 KB a column). */
const GRID_SIZE = 1 << 14;
/** Numbers a column prints through its Map before it gets a grid. */
const GRID_AFTER = 256;

/** The text of one CSV field from its column's caches (see csvLineWriter). */
type FieldText = (column: number, value: Value) => string;

/**
 * A CSV line writer with the same bytes as `columns.map((c) => csvField(row[c])).join(',')`,
 * faster (measured in bench/cli.ts):
 * - each column is read by a named property load in a function generated once per column list
 *   (a loop of `row[columns[i]]` is a megamorphic keyed load over a 68-key object: a fifth of the
 *   writer's time). Keys are JSON-quoted, so no column name can inject code;
 * - a number's text is String(v) (csvField never quotes a number), kept per column: printing a
 *   double was the writer's largest cost. A value on the column's reporting grid (its decimals) is
 *   found at its grid index, checked against the stored value (~30× cheaper than printing); others
 *   in a Map by value (keys compare as SameValueZero, and String(-0) is "0" like String(0)); a
 *   label's field text is computed once per column;
 * - the fields go into one reused array joined once (many small `+=` build rope strings that cost
 *   more to flatten than to join).
 */
function csvLineWriter(columns: readonly string[], decimals: readonly number[]): (row: Row) => string {
  const caches = columns.map(() => new Map<string, string>());
  const numberCaches = columns.map(() => new Map<number, string>());
  const scales = decimals.map((d) => 10 ** d);
  const gridValues: (Float64Array | undefined)[] = columns.map(() => undefined);
  const gridTexts: string[][] = columns.map(() => []);
  const parts = new Array<string>(columns.length).fill('');
  const seen = new Array<number>(columns.length).fill(0);
  const numberText = (i: number, v: number): string => {
    // A value on the column's grid: its text sits at its grid index (the stored value is compared,
    // so a value off the grid that rounds to the same index is printed, not confused). The grid
    // (256 KiB a column) is made once a column has printed GRID_AFTER numbers: a short sample
    // (`--n 1`) does not pay for it.
    const r = Math.round(v * scales[i]);
    if (r >= 0 && r < GRID_SIZE && (gridValues[i] !== undefined || ++seen[i] > GRID_AFTER)) {
      let values = gridValues[i];
      if (values === undefined) {
        values = gridValues[i] = new Float64Array(GRID_SIZE).fill(NaN);
        gridTexts[i] = new Array<string>(GRID_SIZE).fill('');
      }
      if (values[r] === v) return gridTexts[i][r];
      const text = String(v);
      values[r] = v;
      gridTexts[i][r] = text;
      return text;
    }
    const cache = numberCaches[i];
    let text = cache.get(v);
    if (text === undefined) {
      text = String(v);
      if (cache.size < NUMBER_CACHE_LIMIT) cache.set(v, text);
    }
    return text;
  };
  const field: FieldText = (i, v) => {
    if (typeof v === 'number') return numberText(i, v);
    const cache = caches[i];
    let text = cache.get(v);
    if (text === undefined) {
      text = csvField(v);
      if (cache.size < FIELD_CACHE_LIMIT) cache.set(v, text);
    }
    return text;
  };
  const body = [
    'return (row) => {',
    '  let v;',
    ...columns.map((c, i) => `  v = row[${JSON.stringify(c)}]; p[${i}] = v === undefined ? '' : f(${i}, v);`),
    "  return p.join(',') + '\\n';",
    '};',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated once from JSON-quoted column names (see above)
  const make = new Function('p', 'f', body) as (p: string[], f: FieldText) => (row: Row) => string;
  return make(parts, field);
}

/** Decimals of each output column (variables, then derived; 0 when unset or not numeric). */
function columnDecimals(model: Model): number[] {
  return [...model.schema.variables.map((v) => v.decimals ?? 0), ...model.schema.derived.map((d) => d.decimals)];
}

/** One JSON object per line, keys in column order, a missing value an absent key. */
function ndjsonLine(columns: readonly string[], row: Row): string {
  const ordered: Record<string, unknown> = {};
  for (const c of columns) if (row[c] !== undefined) ordered[c] = row[c];
  return JSON.stringify(ordered) + '\n';
}

/**
 * Writes n rows; row i is sampleRowAt(model, sampler, seed, i), as in model's sample(), so the output
 * equals sample(model, { n, where, seed }) and never depends on chunking.
 */
async function writeRows(model: Model, sampler: Sampler, n: number, seed: number | string, format: Format, out: Output): Promise<void> {
  const columns = outputColumns(model.schema);
  const line = format === 'csv' ? csvLineWriter(columns, columnDecimals(model)) : (row: Row): string => ndjsonLine(columns, row);
  const rowAt = sampleRowsAt(model, sampler, seed);
  if (format === 'csv') await out.write(columns.map((c) => csvField(c)).join(',') + '\n');
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    let chunk = '';
    const end = Math.min(n, start + CHUNK_ROWS);
    for (let i = start; i < end; i++) chunk += line(rowAt(i));
    await out.write(chunk);
  }
}

/** `synthfhir sample`: n synthetic profiles as CSV or NDJSON. Returns the exit code. */
export async function sampleCommand(args: SampleArgs, io: CliIo): Promise<number> {
  const n = parseIntOption('--n', args.n, 1, MAX_SAMPLE_ROWS);
  const format = parseFormat(args.format);
  const seed = parseSeed(args.seed);
  const model = loadModel(args.model);
  // The where and its support are checked before --out is opened, so a bad call leaves no file.
  const sampler = prepareSampler(model, parseWhereArg(model, args.where));
  const out = args.out === undefined ? io.stdout : io.openFile(args.out);
  try {
    await writeRows(model, sampler, n, seed, format, out);
  } finally {
    await out.close();
  }
  return 0;
}
