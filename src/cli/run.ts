import { Command, CommanderError, Option } from 'commander';

import { isSynthfhirError } from '../errors';
import type { CohortArgs } from './commands/cohort';
import type { FitArgs } from './commands/fit';
import type { SampleArgs } from './commands/sample';
import type { ServeArgs } from './commands/serve';
import type { SupportArgs } from './commands/support';
import type { SynthesizeArgs } from './commands/synthesize';
import type { TwinArgs } from './commands/twin';
import type { EvaluateArgs } from './evaluate';
import type { CliIo } from './io';

// Each command's module is loaded by its action only (dynamic import): `sample` must not pay for
// express, fhirpath, ioredis or the evaluator at start-up (issue 11 §4: `sample --n 1` ≤ 0.5 s).

/** Exit codes not covered by the error catalogue (docs/CONVENTIONS.md "Errors": catalogue errors carry theirs). */
export const EXIT = { ok: 0, internal: 1, usage: 2 } as const;

/** Default `sample --seed`, so that the same command line always prints the same rows. */
const DEFAULT_SAMPLE_SEED = '1';

/** Default fit seed: the one `npm run fit:default` passes, so a bare `fit` reproduces the shipped model. */
const DEFAULT_FIT_SEED = '20151016';

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('synthfhir')
    .description('Synthetic FHIR patients from a conditional model fitted on NHANES 2015-2016.')
    .option('--debug', 'print the stack of an internal error')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      // Commander's own error text is reported once by run(); its help goes to stderr.
      writeErr: () => undefined,
      outputError: () => undefined,
    });

  program
    .command('fit')
    .description('fit a model on a CSV and write it as JSON')
    .requiredOption('--data <csv>', 'training CSV (header row, empty cell = missing)')
    .requiredOption('--schema <json>', 'schema file (e.g. seeds/nhanes-2015-2016.schema.json)')
    .requiredOption('--out <model.json>', 'where to write the model')
    .option('--weights <column>', 'survey weight column (e.g. weight_exam)')
    .option('--seed <n>', 'seed of the fit (restarts, initialisation)', DEFAULT_FIT_SEED)
    .option('--components <k>', 'number(s) of mixture components to try, e.g. 20 or 10,20,30')
    .action(async (opts: FitArgs) => setCode(await (await import('./commands/fit')).fitCommand(opts, io)));

  program
    .command('sample')
    .description('sample synthetic profiles (schema variables + derived) as CSV or NDJSON')
    .option('--model <model.json>', 'model file (default: the shipped NHANES 2015-2016 model)')
    .requiredOption('--n <N>', 'number of rows')
    .option('--where <json>', 'subgroup, e.g. \'{"sex":"female","age_years":{"gte":40,"lt":65}}\'')
    .option('--seed <n>', 'seed: the same arguments always give the same bytes', DEFAULT_SAMPLE_SEED)
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'ndjson']).default('csv'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: SampleArgs) => setCode(await (await import('./commands/sample')).sampleCommand(opts, io)));

  program
    .command('support')
    .description('print {probability, effectiveRecords} of a subgroup under the model')
    .option('--model <model.json>', 'model file (default: the shipped NHANES 2015-2016 model)')
    .requiredOption('--where <json>', 'subgroup')
    .action(async (opts: SupportArgs) => setCode(await (await import('./commands/support')).supportCommand(opts, io)));

  program
    .command('cohort')
    .description('register a cohort offline (balance, strata, weights) and write its flat table or FHIR NDJSON')
    .requiredOption('--spec <json>', 'cohort spec file: {"size", "seed", "where"?, "balance"?, "asOf"?, "name"?} as POST /cohorts takes it')
    .requiredOption('--out <dir>', 'output folder (created): cohort.json plus profiles.csv|.ndjson or <Type>.ndjson')
    .addOption(new Option('--format <format>', 'csv/ndjson: the flat table (as GET /cohorts/<id>/profiles.*); fhir: NDJSON per resource type').choices(['csv', 'ndjson', 'fhir']).default('csv'))
    .option('--model <model.json>', 'model file (env SYNTHFHIR_MODEL; default: the shipped model)')
    .action(async (opts: CohortArgs) => setCode(await (await import('./commands/cohort')).cohortCommand(opts, io)));

  program
    .command('synthesize')
    .description('partially synthetic table: redraw --replace columns (or --fill-missing cells) given the rest of each row')
    .option('--model <model.json>', 'model file (default: the shipped NHANES 2015-2016 model)')
    .requiredOption('--given <csv>', 'the table (header of model variable names; other columns are kept as they are)')
    .option('--replace <vars>', 'comma-separated variables to replace in every row')
    .option('--fill-missing', 'draw every empty cell of a model column instead')
    .option('--seed <n>', 'seed: row i always draws from the same stream', DEFAULT_SAMPLE_SEED)
    .option('--on-error <mode>', 'rows outside the model\'s support: fail (exit 3) or skip (left out, listed)', 'fail')
    .option('--out <csv>', 'write to a file instead of stdout')
    .option('--report <json>', 'per-variable recoverability and per-row errors as JSON')
    .action(async (opts: SynthesizeArgs) => setCode(await (await import('./commands/synthesize')).synthesizeCommand(opts, io)));

  program
    .command('twin')
    .description('synthetic profiles like one record (a FHIR Bundle: Patient, Observations, Conditions)')
    .option('--model <model.json>', 'model file (default: the shipped NHANES 2015-2016 model)')
    .requiredOption('--bundle <json>', 'the record as a FHIR Bundle')
    .option('--count <n>', 'number of twins', '50')
    .option('--seed <n>', 'seed: the same arguments always give the same bytes', DEFAULT_SAMPLE_SEED)
    .option('--keep <vars>', 'variables held exactly (age_band = 5-year band); default: age_band, sex, race_ethnicity, every diagnosis')
    .option('--similar <vars>', 'numeric variables held within ± tolerance × within-person variation')
    .option('--tolerance <x>', 'multiple of the within-person SD for --similar', '1')
    .option('--as-of <date>', 'the date the record describes (age at that date; default SYNTHFHIR_AS_OF)')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'ndjson']).default('csv'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--report <json>', 'the mapping report (fields used, ignored and why; what was held) as JSON')
    .action(async (opts: TwinArgs) => setCode(await (await import('./commands/twin')).twinCommand(opts, io)));

  program
    .command('serve')
    .description('serve the FHIR R4 API (settings from the environment; options override them)')
    .option('--port <n>', 'port (env PORT; 0 = any free port)')
    .option('--host <host>', 'interface (env HOST)')
    .option('--model <model.json>', 'model file (env SYNTHFHIR_MODEL; default: the shipped model)')
    .action(async (opts: ServeArgs) => setCode(await (await import('./commands/serve')).serveCommand(opts, io)));

  program
    .command('evaluate')
    .description('the trust report: fidelity, detection, utility, privacy, fairness → <out>/<name>.json + .html')
    .option('--model <model.json>', 'model file (default: the shipped NHANES 2015-2016 model)')
    .requiredOption('--real <csv>', 'the rows the model was fitted on (members); with --split-by, the full data')
    .option('--holdout <csv>', 'rows the model never saw (non-members; the fidelity reference)')
    .option('--n <N>', 'synthetic rows (default: as many as --real training rows)')
    .option('--seed <n>', 'seed of sampling and of every random choice in the metrics', '1')
    .option('--weights <column>', 'survey weight column of the real rows (e.g. weight_exam)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--name <name>', 'file names <name>.json and <name>.html', 'report')
    .option('--split-by <column>', 'split --real by a salted hash of this id column (80/20), refit on the 80%')
    .option('--train-fraction <f>', 'training share of the split', '0.8')
    .option('--fit-seed <n>', 'seed of the refit (default: the model\'s own)')
    .option('--components <k>', 'candidate K of the refit (default: the model\'s own)')
    .option('--balance <variables>', 'also assess a cohort balanced over these variables, e.g. race_ethnicity,sex')
    .option('--balance-size <N>', 'size of the balanced cohort (default 2400)')
    .option('--where <json>', 'constraints of the balanced cohort')
    .option('--no-gbm', 'skip the gradient-boosted detection classifier')
    .option('--cross-cycle <csv>', 'another survey cycle (validation only): quality against it and real training rows against it')
    .action(async (opts: EvaluateArgs) => setCode(await (await import('./evaluate')).evaluateCommand(opts, io)));

  return program;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs the CLI on argv (without "node" and the script) and returns the exit code: 0 ok; catalogue
 * errors their own code (bad input 2, impossible or unsupported subgroup 3, ...); usage errors 2;
 * anything else 1 with "internal error" (the stack only with --debug). Never throws.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT.ok;
      io.stderr.write(`synthfhir: ${oneLine(e.message.replace(/^error: /, ''))}\n`);
      return EXIT.usage;
    }
    if (isSynthfhirError(e)) {
      io.stderr.write(`synthfhir: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    io.stderr.write('synthfhir: internal error' + (argv.includes('--debug') ? '' : ' (run with --debug for details)') + '\n');
    if (argv.includes('--debug')) io.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}
