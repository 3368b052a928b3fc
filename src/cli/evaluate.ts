import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { SingleBar } from 'cli-progress';

import { InvalidInputError, SynthfhirError } from '../errors';
import {
  DEFAULT_TRAIN_FRACTION,
  evaluateSource,
  fitOptionsOf,
  modelReferenceFitter,
  renderReportHtml,
  sourceFromModel,
  splitByHash,
} from '../evaluate';
import type { BalanceSpec, Report, SyntheticSource } from '../evaluate';
import { fit } from '../model';
import type { FitOptions, Model } from '../model';
import { formatWhere, parseCsvRecords, parseCsvTable } from '../schema';
import type { Row, Schema } from '../schema';
import type { CliIo } from './io';
import { loadModel, parseIntOption, parseSeed, parseWhereArg, readTextFile } from './inputs';

/** Options of `synthfhir evaluate` as commander hands them over (strings). */
export interface EvaluateArgs {
  readonly model?: string;
  readonly real: string;
  readonly holdout?: string;
  readonly n?: string;
  readonly seed: string;
  readonly weights?: string;
  readonly out: string;
  readonly name: string;
  readonly splitBy?: string;
  readonly trainFraction?: string;
  readonly fitSeed?: string;
  readonly components?: string;
  readonly balance?: string;
  readonly balanceSize?: string;
  readonly where?: string;
  readonly gbm: boolean;
  /** Another survey cycle's CSV (validation only): quality against it beside the real ceiling. */
  readonly crossCycle?: string;
}

/** Default size of the balanced cohort assessed with --balance. */
const DEFAULT_BALANCE_SIZE = 2400;
/** Largest --n (synthetic rows): the metrics are quadratic in places; 10^6 is already hours. */
const MAX_EVALUATE_ROWS = 1_000_000;

function headerOf(text: string): readonly string[] {
  const end = text.indexOf('\n');
  return parseCsvRecords(end === -1 ? text : text.slice(0, end)).at(0)?.fields ?? [];
}

/**
 * Rows of a CSV typed by the schema, keeping the columns named in `required` (weights, split id)
 * and, like `synthfhir fit`, every per-variable survey weight the schema names that the file has.
 */
function readRows(path: string, schema: Schema, required: readonly (string | undefined)[]): Row[] {
  const text = readTextFile(path);
  const header = headerOf(text);
  const wanted = required.filter((c): c is string => c !== undefined);
  for (const c of wanted) {
    if (!header.includes(c)) throw new InvalidInputError(`column "${c}" is not in ${path}`);
  }
  const schemaWeights = schema.variables.map((v) => v.weight).filter((w) => header.includes(w));
  return [...parseCsvTable(text, schema, [...new Set([...wanted, ...schemaWeights])]).rows];
}

/** The table columns of a refit: the variables and every weight column the rows carry. */
function fitColumns(schema: Schema, rows: readonly Row[]): string[] {
  const weights = [...new Set(schema.variables.map((v) => v.weight))].filter((w) => rows.some((r) => r[w] !== undefined));
  return [...schema.variables.map((v) => v.name), ...weights];
}

function weightsOf(rows: readonly Row[], column: string | undefined): number[] | undefined {
  if (column === undefined) return undefined;
  return rows.map((r, i) => {
    const w = r[column];
    if (typeof w !== 'number') throw new InvalidInputError(`--weights: "${column}" is empty in data row ${i + 1}`);
    return w;
  });
}

function without(rows: readonly Row[], column: string | undefined): Row[] {
  if (column === undefined) return [...rows];
  return rows.map((r) => {
    const copy: Record<string, Row[string]> = { ...r };
    delete copy[column];
    return copy;
  });
}

/** The shipped model's fit options, overridden by --fit-seed, --weights and --components. */
function refitOptions(args: EvaluateArgs, shipped: Model): FitOptions {
  const base = fitOptionsOf(shipped);
  const components = args.components?.split(',').map((c) => parseIntOption('--components', c.trim(), 1, 500));
  return {
    ...base,
    ...(args.fitSeed === undefined ? {} : { seed: parseSeed(args.fitSeed) }),
    ...(args.weights === undefined ? {} : { weights: args.weights }),
    ...(components === undefined ? {} : { components }),
  };
}

function progressBar(io: CliIo): { onProgress?: (stage: string, done: number, total: number) => void; stop(): void } {
  if (!io.stderr.isTTY) return { stop: () => undefined };
  const bar = new SingleBar({ format: ' evaluate [{bar}] {value}/{total} {stage}', stream: process.stderr, clearOnComplete: true });
  let started = false;
  return {
    onProgress: (stage, done, total) => {
      if (!started) {
        bar.start(total, done, { stage });
        started = true;
      } else bar.update(done, { stage });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/**
 * `synthfhir evaluate`: samples the model, compares it with the real rows it was fitted on and a
 * holdout it never saw, and writes <out>/<name>.json and .html. With --split-by, --real is the
 * full data: it is split by a hash of that column, a model is refitted on the training part with
 * the shipped model's options and evaluated against the rest (the column is used for nothing else).
 */
export async function evaluateCommand(args: EvaluateArgs, io: CliIo): Promise<number> {
  const started = performance.now();
  const seed = parseSeed(args.seed);
  const shipped = loadModel(args.model);
  const schema = shipped.schema;
  if (args.splitBy !== undefined && args.holdout !== undefined) {
    throw new InvalidInputError('--split-by and --holdout exclude each other: the split makes the holdout');
  }
  // Weights: --weights, else the column the model was fitted with when the file has it (a model
  // fitted with survey weights stands for the weighted population, so the real rows must be too).
  const fitted = shipped.params.fit.weights;
  const weights = args.weights ?? (fitted !== null && headerOf(readTextFile(args.real)).includes(fitted) ? fitted : undefined);
  const realAll = readRows(args.real, schema, [weights, args.splitBy]);
  let train = realAll;
  let holdout = args.holdout === undefined ? undefined : readRows(args.holdout, schema, [weights]);
  let source: SyntheticSource = sourceFromModel(shipped);
  let split: string | null = null;
  const notes: string[] = [];
  if (args.splitBy !== undefined) {
    const fraction = args.trainFraction === undefined ? DEFAULT_TRAIN_FRACTION : Number(args.trainFraction);
    const s = splitByHash(realAll, args.splitBy, fraction);
    train = s.train.map((i) => realAll[i]);
    holdout = s.holdout.map((i) => realAll[i]);
    const trainRows = without(train, args.splitBy);
    const options = refitOptions(args, shipped);
    const refit = fit({ columns: fitColumns(schema, trainRows), rows: trainRows }, schema, options).model;
    source = sourceFromModel(refit, { shippedHash: shipped.hash });
    split = `fixed ${Math.round(fraction * 100)}/${Math.round((1 - fraction) * 100)} split by a salted hash of each row's id column: ${train.length} training rows, ${holdout.length} holdout rows`;
    notes.push(
      `The evaluated model (${refit.hash.slice(0, 12)}) was refitted on the training part with the shipped model's fit options (seed ${String(options.seed)}, weights ${options.weights ?? 'none'}, components ${(options.components ?? []).join(',')}, k-floor ${options.kFloor ?? '-'}); the shipped model (${shipped.hash.slice(0, 12)}) is the same fit on every row. Privacy numbers need data the model never saw, hence the split.`,
    );
  }
  const n = args.n === undefined ? undefined : parseIntOption('--n', args.n, 1, MAX_EVALUATE_ROWS);
  let balance: BalanceSpec | undefined;
  if (args.balance !== undefined) {
    const where = parseWhereArg(shipped, args.where);
    balance = {
      variables: args.balance.split(',').map((v) => v.trim()),
      size: args.balanceSize === undefined ? DEFAULT_BALANCE_SIZE : parseIntOption('--balance-size', args.balanceSize, 1, MAX_EVALUATE_ROWS),
      ...(where === undefined ? {} : { where: formatWhere(where) }),
    };
  } else if (args.where !== undefined) {
    throw new InvalidInputError('--where applies to the balanced cohort: give --balance too');
  }
  const referenceFitter = holdout === undefined ? undefined : modelReferenceFitter(schema, refitOptions(args, shipped));
  const crossRows = args.crossCycle === undefined ? undefined : readRows(args.crossCycle, schema, [weights]);
  const crossCycle =
    args.crossCycle === undefined || crossRows === undefined
      ? undefined
      : { name: args.crossCycle, rows: crossRows, ...(weights === undefined ? {} : { weights: weightsOf(crossRows, weights) }) };
  const progress = progressBar(io);
  let report: Report;
  try {
    report = evaluateSource({
      schema,
      source,
      real: { rows: without(train, args.splitBy), ...(weights === undefined ? {} : { weights: weightsOf(train, weights) }) },
      ...(holdout === undefined
        ? {}
        : { holdout: { rows: without(holdout, args.splitBy), ...(weights === undefined ? {} : { weights: weightsOf(holdout, weights) }) } }),
      ...(n === undefined ? {} : { n }),
      seed,
      ...(referenceFitter === undefined ? {} : { referenceFitter }),
      ...(balance === undefined ? {} : { balance }),
      weightsName: weights ?? null,
      split,
      notes,
      gbm: args.gbm,
      ...(crossCycle === undefined ? {} : { crossCycle }),
      ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }),
    });
  } finally {
    progress.stop();
  }
  try {
    mkdirSync(args.out, { recursive: true });
  } catch (e) {
    throw new SynthfhirError('FILE_NOT_FOUND', { path: args.out, detail: e instanceof Error ? e.message : String(e) });
  }
  for (const [ext, text] of [
    ['json', `${JSON.stringify(report, null, 1)}\n`],
    ['html', renderReportHtml(report)],
  ] as const) {
    const out = io.openFile(join(args.out, `${args.name}.${ext}`));
    try {
      await out.write(text);
    } finally {
      await out.close();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  for (const g of report.goals) {
    io.stderr.write(`${g.met ? 'met    ' : 'not met'} ${g.name}: ${fmt(g.value)} (goal ${g.target}; ceiling ${fmt(g.ceiling)})\n`);
  }
  io.stderr.write(`report → ${join(args.out, `${args.name}.json`)} and .html (${seconds.toFixed(1)} s)\n`);
  return 0;
}

function fmt(x: number | undefined | null): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '–';
}
