import { twinWhere } from '../../cohort';
import { configFromProcess } from '../../config';
import { InvalidInputError } from '../../errors';
import { mapRecord } from '../../fhir';
import { prepareRecordSampler, streamRowsAt } from '../../model';
import { csvField, outputColumns } from '../../schema';
import type { CliIo } from '../io';
import { loadModel, parseIntOption, parseSeed, readJsonFile } from '../inputs';

/** Options of `synthfhir twin` as commander hands them over. */
export interface TwinArgs {
  readonly model?: string;
  readonly bundle: string;
  readonly count: string;
  readonly seed: string;
  readonly keep?: string;
  readonly similar?: string;
  readonly tolerance?: string;
  readonly asOf?: string;
  readonly format: string;
  readonly out?: string;
  readonly report?: string;
}

/** Largest --count. */
export const MAX_CLI_TWINS = 1_000_000;

function names(text: string | undefined): string[] | undefined {
  return text?.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * `synthfhir twin`: synthetic profiles like one record (a FHIR Bundle file), the offline twin of
 * Patient/$twin: the same mapping (fhir/record-map.ts) and twin where (cohort/twin-where.ts);
 * twin i draws from streamFor({ modelHash, cohortId: `twin:<seed>`, index: i }). The mapping
 * report goes to --report (JSON) and, summarised, to stderr.
 */
export async function twinCommand(args: TwinArgs, io: CliIo): Promise<number> {
  const count = parseIntOption('--count', args.count, 1, MAX_CLI_TWINS);
  const seed = parseSeed(args.seed);
  if (args.format !== 'csv' && args.format !== 'ndjson') throw new InvalidInputError(`--format must be csv or ndjson, got "${args.format}"`);
  const tolerance = args.tolerance === undefined ? undefined : Number(args.tolerance);
  if (tolerance !== undefined && !(tolerance > 0)) throw new InvalidInputError(`--tolerance must be a positive number, got "${args.tolerance ?? ''}"`);
  const model = loadModel(args.model);
  const bundle = readJsonFile(args.bundle) as { resourceType?: unknown; entry?: unknown };
  if (bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) throw new InvalidInputError(`${args.bundle} is not a FHIR Bundle with entries`);
  const resources = (bundle.entry as { resource?: unknown }[]).map((e) => e.resource).filter((r) => r !== undefined);
  const mapping = mapRecord(model.schema, resources, args.asOf ?? configFromProcess().asOf);
  const keep = names(args.keep);
  const similar = names(args.similar);
  const twin = twinWhere(model.schema, mapping.values, {
    ...(keep !== undefined ? { keep } : {}),
    ...(similar !== undefined ? { similar } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
  });
  const sampler = prepareRecordSampler(model, twin.where);
  const report = { where: twin.where, held: twin.held, absent: twin.absent, used: mapping.used, ignored: mapping.ignored };
  if (args.report !== undefined) {
    const file = io.openFile(args.report);
    try {
      await file.write(JSON.stringify(report, null, 2) + '\n');
    } finally {
      await file.close();
    }
  }
  const columns = outputColumns(model.schema);
  const out = args.out === undefined ? io.stdout : io.openFile(args.out);
  try {
    if (args.format === 'csv') await out.write(columns.map((c) => csvField(c)).join(',') + '\n');
    let chunk = '';
    const rowAt = streamRowsAt(model, sampler, `twin:${String(seed)}`);
    for (let i = 0; i < count; i++) {
      const row = rowAt(i);
      if (args.format === 'csv') chunk += columns.map((c) => csvField(row[c])).join(',') + '\n';
      else chunk += JSON.stringify(Object.fromEntries(columns.filter((c) => row[c] !== undefined).map((c) => [c, row[c]]))) + '\n';
      if (chunk.length > 1 << 16) {
        await out.write(chunk);
        chunk = '';
      }
    }
    await out.write(chunk);
  } finally {
    await out.close();
  }
  io.stderr.write(`twin: ${count} twins; held ${twin.held.map((h) => `${h.variable} (${h.how})`).join(', ')}; ${mapping.used.length} fields used, ${mapping.ignored.length} ignored\n`);
  for (const x of mapping.ignored) io.stderr.write(`  ignored ${x.source}: ${x.note}\n`);
  return 0;
}
