import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { SingleBar } from 'cli-progress';

import type { Cohort, CohortRequest, CohortService, ModelLike, ProfileTableFormat, RecordLike } from '../../cohort';
import { CohortService as Service, createDefaultEngine, createMemoryStore, loadModels, parseCohortRequest, profileTableChunks } from '../../cohort';
import { configFromProcess } from '../../config';
import { InvalidInputError } from '../../errors';
import { toGroup } from '../../fhir';
import type { CliIo, Output } from '../io';
import { cannotWrite } from '../io';
import { readJsonFile } from '../inputs';

/** Options of `synthfhir cohort` as commander hands them over. */
export interface CohortArgs {
  readonly spec: string;
  readonly out: string;
  readonly format: string;
  readonly model?: string;
}

export const COHORT_FORMATS = ['csv', 'ndjson', 'fhir'] as const;
type CohortFormat = (typeof COHORT_FORMATS)[number];

/** Patients per progress update and per FHIR write batch. */
const BATCH_PATIENTS = 256;

function parseSpecFile(path: string): CohortRequest {
  return parseCohortRequest(readJsonFile(path), `${path}: invalid cohort spec`);
}

function parseFormat(text: string): CohortFormat {
  const f = COHORT_FORMATS.find((x) => x === text);
  if (f === undefined) throw new InvalidInputError(`--format must be one of ${COHORT_FORMATS.join(', ')}, got "${text}"`);
  return f;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (logs and CI stay clean). */
function progressBar(io: CliIo, total: number): { update(done: number): void; stop(): void } {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: ' patients [{bar}] {value}/{total} {eta_formatted}', stream: process.stderr, clearOnComplete: true });
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

async function writeTable(
  cohorts: CohortService<ModelLike, RecordLike>,
  cohort: Cohort,
  format: ProfileTableFormat,
  out: Output,
  progress: (done: number) => void,
): Promise<void> {
  const model = await cohorts.modelOf(cohort);
  let done = 0;
  // The CSV header is a chunk of its own; every other chunk is BATCH_PATIENTS rows (or the rest).
  let header = format === 'csv';
  for (const chunk of profileTableChunks(cohorts, cohort, model.schema, format, { chunkRows: BATCH_PATIENTS })) {
    await out.write(chunk);
    if (!header) done = Math.min(cohort.spec.size, done + BATCH_PATIENTS);
    header = false;
    progress(done);
  }
}

/** FHIR NDJSON, one file per resource type (Patient, Encounter, Observation, Condition), plus the Group. */
async function writeFhir(
  cohorts: CohortService<ModelLike, RecordLike>,
  cohort: Cohort,
  open: (file: string) => Output,
  progress: (done: number) => void,
): Promise<string[]> {
  const outputs = new Map<string, Output>();
  const outputOf = (type: string): Output => {
    let o = outputs.get(type);
    if (o === undefined) {
      o = open(`${type}.ndjson`);
      outputs.set(type, o);
    }
    return o;
  };
  try {
    const group = toGroup(cohort, { warnings: cohorts.warningsOf(cohort), memberOf: (i) => cohorts.memberOf(cohort, i) });
    await outputOf('Group').write(`${JSON.stringify(group)}\n`);
    for (let start = 0; start < cohort.spec.size; start += BATCH_PATIENTS) {
      const texts = new Map<string, string>();
      const end = Math.min(cohort.spec.size, start + BATCH_PATIENTS);
      for (let i = start; i < end; i++) {
        for (const r of cohorts.resourcesOf(cohorts.recordAt(cohort, i))) {
          texts.set(r.resourceType, (texts.get(r.resourceType) ?? '') + `${JSON.stringify(r)}\n`);
        }
      }
      for (const [type, text] of texts) await outputOf(type).write(text);
      progress(end);
    }
  } finally {
    for (const o of outputs.values()) await o.close();
  }
  return [...outputs.keys()].map((t) => `${t}.ndjson`);
}

/**
 * `synthfhir cohort --spec spec.json --out dir [--format csv|ndjson|fhir]`: registers the cohort
 * offline (same id, strata and patients as the server with the same model and settings) and writes
 * `dir/cohort.json` (id, spec, strata, warnings) plus the flat table (`profiles.csv`/`.ndjson`,
 * byte-identical to GET /cohorts/<id>/profiles.*) or FHIR NDJSON per resource type. Warnings and a
 * summary go to stderr. Returns the exit code (catalogue errors carry theirs).
 */
export async function cohortCommand(args: CohortArgs, io: CliIo): Promise<number> {
  const format = parseFormat(args.format);
  const config = configFromProcess();
  const request = parseSpecFile(args.spec);
  const cohorts: CohortService<ModelLike, RecordLike> = new Service({
    store: createMemoryStore(),
    models: loadModels(args.model ?? config.modelPath),
    engine: createDefaultEngine(),
    // Records are written once each: no cache.
    recordCacheSize: 0,
    defaults: { asOf: config.asOf, lookbackYears: config.lookbackYears },
    thinStratumRecords: config.thinStratumRecords,
  });
  // Validation, support and strata come before the folder is touched: a bad spec leaves nothing.
  const cohort = await cohorts.register(request);
  const strata = cohorts.strataOf(cohort);
  const warnings = cohorts.warningsOf(cohort);
  try {
    mkdirSync(args.out, { recursive: true });
  } catch (e) {
    throw cannotWrite(args.out, e);
  }
  const open = (file: string): Output => io.openFile(join(args.out, file));
  const summary = open('cohort.json');
  await summary.write(
    `${JSON.stringify(
      {
        id: cohort.id,
        group: `Group/${cohort.id}`,
        size: cohort.spec.size,
        spec: cohort.spec,
        strata: strata.map((s) => ({ key: s.key, count: s.count, populationShare: s.populationShare, weight: s.weight, support: s.support, thin: s.thin })),
        warnings,
      },
      null,
      2,
    )}\n`,
  );
  await summary.close();
  for (const w of warnings) io.stderr.write(`synthfhir: warning: ${w}\n`);
  const bar = progressBar(io, cohort.spec.size);
  let files: string[];
  try {
    if (format === 'fhir') {
      files = await writeFhir(cohorts, cohort, open, (d) => bar.update(d));
    } else {
      const file = `profiles.${format}`;
      const out = open(file);
      try {
        await writeTable(cohorts, cohort, format, out, (d) => bar.update(d));
      } finally {
        await out.close();
      }
      files = [file];
    }
  } finally {
    bar.stop();
  }
  io.stderr.write(
    `cohort ${cohort.id}: ${cohort.spec.size} patients in ${strata.length} strata → ${join(args.out, 'cohort.json')}, ${files.map((f) => join(args.out, f)).join(', ')}\n`,
  );
  return 0;
}
