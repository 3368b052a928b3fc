import { InvalidInputError } from '../../errors';
import { synthesizeTable } from '../../evaluate';
import type { CliIo } from '../io';
import { loadModel, parseSeed, readTextFile } from '../inputs';

/** Options of `synthfhir synthesize` as commander hands them over. */
export interface SynthesizeArgs {
  readonly model?: string;
  readonly given: string;
  readonly replace?: string;
  readonly fillMissing?: boolean;
  readonly seed: string;
  readonly onError: string;
  readonly out?: string;
  readonly report?: string;
}

/**
 * `synthfhir synthesize`: a partially synthetic copy of a table (issue 14 §3). Writes the table to
 * --out (or stdout), the per-variable recoverability report and the per-row error list to --report
 * (JSON) and a summary on stderr. Rows the model cannot support: with --on-error fail (default) the
 * command exits 3 before writing; with skip they are left out and listed, never silently dropped.
 */
export async function synthesizeCommand(args: SynthesizeArgs, io: CliIo): Promise<number> {
  if ((args.replace === undefined) === (args.fillMissing !== true)) {
    throw new InvalidInputError('give exactly one of --replace <vars> and --fill-missing');
  }
  if (args.onError !== 'skip' && args.onError !== 'fail') throw new InvalidInputError(`--on-error must be skip or fail, got "${args.onError}"`);
  const model = loadModel(args.model);
  const text = readTextFile(args.given);
  const replace = args.replace?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const result = synthesizeTable(model, text, {
    ...(replace !== undefined ? { replace } : {}),
    fillMissing: args.fillMissing === true,
    seed: parseSeed(args.seed),
    onError: args.onError,
  });
  const out = args.out === undefined ? io.stdout : io.openFile(args.out);
  try {
    await out.write(result.lines.join('\n') + '\n');
  } finally {
    await out.close();
  }
  const summary = { rowsIn: result.rowsIn, rowsOut: result.rowsOut, skipped: result.errors.length, replaced: result.report, errors: result.errors };
  if (args.report !== undefined) {
    const file = io.openFile(args.report);
    try {
      await file.write(JSON.stringify(summary, null, 2) + '\n');
    } finally {
      await file.close();
    }
  }
  io.stderr.write(`synthesize: ${result.rowsOut} of ${result.rowsIn} rows written, ${result.errors.length} skipped\n`);
  for (const r of result.report) {
    const v = r.value === undefined ? 'n/a' : r.value.toFixed(3);
    io.stderr.write(`  ${r.name}: ${r.metric} ${v} from the kept values (baseline ${r.baseline?.toFixed(3) ?? 'n/a'}, ${r.scored} rows)\n`);
  }
  for (const e of result.errors) io.stderr.write(`  row ${e.row} (line ${e.line}) skipped: ${e.message}\n`);
  return 0;
}
