import { InvalidInputError, isSynthfhirError, SynthfhirError } from '../errors';
import { prepareRecordSampler } from '../model';
import type { Model } from '../model';
import { streamFor } from '../random';
import { csvField, derivedValue, parseCsvRecords, roundTo } from '../schema';
import type { Row, Value, Variable, WhereValue } from '../schema';
import { rocAuc } from './stats/auc';

/**
 * Partially synthetic tables: for each row of a given table, the replaced (or missing) variables
 * are drawn from the model conditional on the row's kept values (model/ record conditioning); every
 * other field keeps its text. Row i draws from its own stream ("synthesize:<seed>", i), so output is
 * reproducible by seed and independent of the other rows. The report says, per replaced variable,
 * how well the kept values predict the original (R² of the conditional mean for numbers, AUC or
 * accuracy for labels): what an attacker holding the kept columns and the model could recover.
 * See: issue 14 §3; Little (1993), "Statistical analysis of masked data" (partially synthetic data).
 */

/** Draws per row for the conditional mean / label probabilities of the report. */
export const PREDICTION_DRAWS = 16;

export interface PartialSynthesisOptions {
  /** Variables to replace in every row (with fillMissing false). */
  readonly replace?: readonly string[];
  /** Fill every empty cell of a schema column instead. */
  readonly fillMissing?: boolean;
  readonly seed: number | string;
  /** Rows whose kept values the model cannot support: left out and listed ('skip') or fatal ('fail'). */
  readonly onError: 'skip' | 'fail';
}

export interface RowError {
  /** 1-based data row (header excluded) and the CSV line it starts on. */
  readonly row: number;
  readonly line: number;
  readonly message: string;
  readonly variables: readonly string[];
}

export interface ReplacedReport {
  readonly name: string;
  /** Cells drawn (replaced or filled). */
  readonly drawn: number;
  /** Rows where the original value was known and scored. */
  readonly scored: number;
  /** r2 (numbers), auc (two labels), accuracy (more labels). */
  readonly metric: 'r2' | 'auc' | 'accuracy';
  /** The metric of the conditional prediction from the kept values; undefined with no scored row. */
  readonly value: number | undefined;
  /** What the same metric gives without the kept values (marginal prediction): 0 for R², 0.5 for AUC, majority share. */
  readonly baseline: number | undefined;
}

export interface PartialSynthesisResult {
  readonly header: readonly string[];
  /** Output lines (CSV, no newline), header first; skipped rows are absent. */
  readonly lines: readonly string[];
  readonly errors: readonly RowError[];
  readonly report: readonly ReplacedReport[];
  readonly rowsIn: number;
  readonly rowsOut: number;
}

function isCategorical(v: Variable): boolean {
  return v.kind === 'categorical' || v.kind === 'ordinal';
}

/** A kept cell as a where constraint: a label, a reported point on the grid, or {"missing": true}. */
function constraintOf(v: Variable, raw: string): WhereValue {
  if (raw === '') return { missing: true };
  if (isCategorical(v)) return raw;
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x)) throw new InvalidInputError(`${v.name}: "${raw}" is not a number`, [v.name]);
  return v.decimals === undefined ? { gte: x, lte: x } : roundTo(x, v.decimals);
}

interface Scoring {
  readonly truth: (Value | undefined)[];
  readonly predicted: (number | Map<string, number> | undefined)[];
}

/** Runs the synthesis over a CSV text. Throws INVALID_INPUT for a bad header or options. */
export function synthesizeTable(model: Model, text: string, options: PartialSynthesisOptions): PartialSynthesisResult {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new InvalidInputError('--given CSV is empty: expected a header row');
  const header = records[0].fields;
  const schema = model.schema;
  const byName = new Map(schema.variables.map((v) => [v.name, v]));
  const columns = header.map((name) => byName.get(name));
  const replace = new Set(options.replace ?? []);
  for (const name of replace) {
    if (!byName.has(name)) {
      throw new InvalidInputError(`--replace: "${name}" is not a model variable (known: ${[...byName.keys()].join(', ')})`, [name]);
    }
  }
  if (options.fillMissing !== true && replace.size === 0) throw new InvalidInputError('give --replace <vars> or --fill-missing');
  const derivedAt = schema.derived.map((d) => ({ d, at: header.indexOf(d.name) })).filter((x) => x.at >= 0);
  const lines = [header.map((h) => csvField(h)).join(',')];
  const errors: RowError[] = [];
  const marginals = new Map<string, number>();
  const scoring = new Map<string, Scoring>();
  const drawn = new Map<string, number>();
  let rowsIn = 0;
  for (let r = 1; r < records.length; r++) {
    const { line, fields } = records[r];
    if (fields.length === 1 && fields[0] === '') continue;
    rowsIn++;
    const rowNumber = rowsIn;
    try {
      if (fields.length !== header.length) throw new InvalidInputError(`${fields.length} fields, header has ${header.length}`);
      const where: Record<string, WhereValue> = {};
      const draw: number[] = [];
      columns.forEach((v, i) => {
        if (v === undefined) return;
        const redraw = options.fillMissing === true ? fields[i] === '' : replace.has(v.name);
        if (redraw) draw.push(i);
        else where[v.name] = constraintOf(v, fields[i]);
      });
      const sampler = prepareRecordSampler(model, where, marginals);
      const key = { modelHash: model.hash, cohortId: `synthesize:${String(options.seed)}`, index: rowNumber - 1 };
      const row = sampler.sample(streamFor({ ...key, part: 'profile' }));
      const out = [...fields];
      for (const i of draw) {
        const name = header[i];
        out[i] = csvField(row[name]);
        if (row[name] !== undefined) drawn.set(name, (drawn.get(name) ?? 0) + 1);
      }
      // A derived column (BMI) fed by a drawn input is recomputed, or it would give the original away.
      for (const { d, at } of derivedAt) {
        if (!d.inputs.some((n) => draw.includes(header.indexOf(n)))) continue;
        const view: Record<string, Value | undefined> = {};
        for (const n of d.inputs) view[n] = row[n];
        const x = derivedValue(d, view);
        out[at] = csvField(x === undefined ? undefined : roundTo(x, d.decimals));
      }
      lines.push(out.map((f, i) => (draw.includes(i) || derivedAt.some((x) => x.at === i) ? f : csvField(f))).join(','));
      if (options.fillMissing !== true) {
        const predictions: Row[] = [];
        for (let j = 0; j < PREDICTION_DRAWS; j++) predictions.push(sampler.sample(streamFor({ ...key, part: `predict${j}` })));
        for (const i of draw) record(scoring, byName.get(header[i])!, fields[i], predictions);
      }
    } catch (e) {
      if (!isSynthfhirError(e)) throw e;
      const err: RowError = { row: rowNumber, line, message: e.message, variables: e.expression ?? [] };
      if (options.onError === 'fail') {
        const at = `row ${rowNumber} (line ${line}): `;
        const params = { ...e.params, ...(typeof e.params.where === 'string' ? { where: at + e.params.where } : {}), ...(typeof e.params.detail === 'string' ? { detail: at + e.params.detail } : {}) };
        throw new SynthfhirError(e.code, params, e.expression);
      }
      errors.push(err);
    }
  }
  const report = [...replace].filter((n) => header.includes(n)).map((name) => reportOf(byName.get(name)!, scoring.get(name), drawn.get(name) ?? 0));
  return { header, lines, errors, report, rowsIn, rowsOut: lines.length - 1 };
}

function record(scoring: Map<string, Scoring>, v: Variable, original: string, predictions: readonly Row[]): void {
  let s = scoring.get(v.name);
  if (s === undefined) scoring.set(v.name, (s = { truth: [], predicted: [] }));
  if (isCategorical(v)) {
    const counts = new Map<string, number>();
    for (const p of predictions) {
      const x = p[v.name];
      if (typeof x === 'string') counts.set(x, (counts.get(x) ?? 0) + 1 / predictions.length);
    }
    s.truth.push(original === '' ? undefined : original);
    s.predicted.push(counts);
    return;
  }
  const xs = predictions.map((p) => p[v.name]).filter((x): x is number => typeof x === 'number');
  s.truth.push(original === '' ? undefined : Number(original));
  s.predicted.push(xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);
}

/** R² / AUC / accuracy of the conditional prediction against the original values. */
function reportOf(v: Variable, s: Scoring | undefined, drawn: number): ReplacedReport {
  const categorical = isCategorical(v);
  const labels = v.categories ?? [];
  const metric = !categorical ? 'r2' : labels.length === 2 ? 'auc' : 'accuracy';
  const pairs: { t: Value; p: number | Map<string, number> }[] = [];
  if (s !== undefined) s.truth.forEach((t, i) => {
    const p = s.predicted[i];
    if (t !== undefined && p !== undefined) pairs.push({ t, p });
  });
  const base = { name: v.name, drawn, scored: pairs.length, metric } as const;
  if (pairs.length < 2) return { ...base, value: undefined, baseline: undefined };
  if (metric === 'r2') {
    const ys = pairs.map((x) => Number(x.t));
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    let ssRes = 0;
    let ssTot = 0;
    pairs.forEach((x, i) => {
      ssRes += (ys[i] - (x.p as number)) ** 2;
      ssTot += (ys[i] - mean) ** 2;
    });
    return { ...base, value: ssTot > 0 ? 1 - ssRes / ssTot : undefined, baseline: 0 };
  }
  if (metric === 'auc') {
    const positive = labels[labels.length - 1] === 'yes' || labels.includes('yes') ? 'yes' : labels[1];
    const y = pairs.map((x) => (x.t === positive ? 1 : 0));
    const score = pairs.map((x) => (x.p as Map<string, number>).get(positive) ?? 0);
    const both = y.some((b) => b === 1) && y.some((b) => b === 0);
    return { ...base, value: both ? rocAuc(score, y) : undefined, baseline: 0.5 };
  }
  let hits = 0;
  const freq = new Map<Value, number>();
  for (const x of pairs) {
    freq.set(x.t, (freq.get(x.t) ?? 0) + 1);
    let best: string | undefined;
    for (const [label, p] of x.p as Map<string, number>) if (best === undefined || p > ((x.p as Map<string, number>).get(best) ?? 0)) best = label;
    if (best === x.t) hits++;
  }
  return { ...base, value: hits / pairs.length, baseline: Math.max(...freq.values()) / pairs.length };
}
