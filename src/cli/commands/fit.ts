import { SingleBar } from 'cli-progress';

import { InvalidInputError } from '../../errors';
import { fit, serializeModel } from '../../model';
import type { FitOptions } from '../../model';
import { loadSchemaFile, parseCsvRecords, parseCsvTable } from '../../schema';
import type { CliIo } from '../io';
import { parseIntOption, parseSeed, readTextFile } from '../inputs';

/** Options of `synthfhir fit` (strings from commander). */
export interface FitArgs {
  readonly data: string;
  readonly schema: string;
  readonly out: string;
  readonly weights?: string;
  readonly seed: string;
  readonly components?: string;
}

/** Largest K accepted on the command line (a sanity bound, far above the K ≈ 20-40 of docs/MODEL.md "A mixture of latent classes"). */
const MAX_COMPONENTS = 500;

/** "20" or "10,20,30" → candidate numbers of components. */
function parseComponents(text: string | undefined): readonly number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => parseIntOption('--components', part.trim(), 1, MAX_COMPONENTS));
}

/** The header of a CSV (first record only). */
function headerOf(text: string): readonly string[] {
  const end = text.indexOf('\n');
  return parseCsvRecords(end === -1 ? text : text.slice(0, end)).at(0)?.fields ?? [];
}

/** A progress bar on stderr when it is a terminal; silent otherwise (logs and CI stay clean). */
function progressReporter(io: CliIo): { onProgress?: FitOptions['onProgress']; stop(): void } {
  if (!io.stderr.isTTY) return { stop: () => undefined };
  const bar = new SingleBar({ format: ' {stage} [{bar}] {value}/{total}', stream: process.stderr, clearOnComplete: true });
  let stage = '';
  return {
    onProgress: (p) => {
      if (p.stage !== stage) {
        if (stage !== '') bar.stop();
        stage = p.stage;
        bar.start(p.total, p.done, { stage });
      } else {
        bar.update(p.done, { stage });
      }
    },
    stop: () => {
      if (stage !== '') bar.stop();
    },
  };
}

/**
 * `synthfhir fit`: reads the CSV with the schema (plus the survey weight columns it names), fits,
 * writes the serialized model, and prints K, log-likelihood and seconds on stderr.
 */
export async function fitCommand(args: FitArgs, io: CliIo): Promise<number> {
  const seed = parseSeed(args.seed);
  const components = parseComponents(args.components);
  const schema = loadSchemaFile(args.schema);
  const text = readTextFile(args.data);
  const header = headerOf(text);
  if (args.weights !== undefined && !header.includes(args.weights)) {
    throw new InvalidInputError(`--weights column "${args.weights}" is not in ${args.data}`);
  }
  // Keep every survey weight the schema names (per-variable weights) that the file has.
  const weightColumns = [...new Set([...schema.variables.map((v) => v.weight), ...(args.weights === undefined ? [] : [args.weights])])]
    .filter((c) => header.includes(c));
  const table = parseCsvTable(text, schema, weightColumns);
  const progress = progressReporter(io);
  const started = performance.now();
  let result;
  try {
    result = fit(table, schema, {
      seed,
      ...(args.weights === undefined ? {} : { weights: args.weights }),
      ...(components === undefined ? {} : { components }),
      ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }),
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const out = io.openFile(args.out);
  try {
    await out.write(serializeModel(result.model));
  } finally {
    await out.close();
  }
  io.stderr.write(
    `fitted ${table.rows.length} rows: K = ${result.k}, log-likelihood = ${result.logLikelihood.toFixed(1)}, ` +
      `${seconds.toFixed(1)} s → ${args.out} (hash ${result.model.hash.slice(0, 12)})\n`,
  );
  return 0;
}
