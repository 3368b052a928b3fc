/**
 * Benchmark of issue 14: `Patient/$twin` latency for 100 twins (register + the first page, and
 * then every twin's record through the twin cohort's FHIR base), the record sampler (prepare time
 * for a 40-value NHANES record, then rows/s), and `synthesize` rows/s on NHANES rows. Prints
 * figures; asserts nothing. Run alone: `node dist-bench/bench/twins.js` (after the bench build).
 */
import { readFileSync } from 'node:fs';

import pino from 'pino';

import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { synthesizeTable } from '../src/evaluate';
import { parseModel, prepareRecordSampler } from '../src/model';
import { streamFor } from '../src/random';
import { parseCsvTable } from '../src/schema';
import { packageFile } from '../src/util';

const TWINS = 100;
const RUNS = 8;
const SYNTH_ROWS = 150;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function twinLatency(): Promise<void> {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', SYNTHFHIR_DEFAULT_COHORT_SIZE: '200' }), { logger: pino({ level: 'silent' }) });
  const get = (path: string, query: [string, string][] = []): ReturnType<typeof app.router.handle> =>
    app.router.handle({ method: 'GET', path, query, headers: {}, baseUrl: 'http://bench/fhir' });
  const twin: number[] = [];
  const all: number[] = [];
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      const t0 = performance.now();
      const r = await get(`Patient/${app.defaultCohort.id}-${run * 7}/$twin`, [['count', String(TWINS)], ['seed', String(run)], ['similar', 'systolic_bp_1_mmhg']]);
      const t1 = performance.now();
      if (r.status !== 200) throw new Error(`$twin answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      const group = (r.body as unknown as { entry: { resource: { id: string } }[] }).entry[0].resource.id;
      const page = await get(`cohort/${group}/Observation`, [['_count', '1']]);
      const t2 = performance.now();
      if (page.status !== 200) throw new Error(`cohort search answered ${page.status}`);
      if (run === 0) continue; // warm-up (JIT, model compile)
      twin.push(t1 - t0);
      all.push(t2 - t0);
    }
  } finally {
    await app.close();
  }
  console.log(`$twin, ${TWINS} twins: ${median(twin).toFixed(0)} ms median (register + first page of 20), ` +
    `${median(all).toFixed(0)} ms with every twin's record generated and indexed (a search over the twin cohort); ${RUNS} runs`);
}

function recordSampler(): void {
  const model = parseModel(JSON.parse(readFileSync(packageFile('seeds', 'nhanes-2015-2016.model.json'), 'utf8')));
  const table = parseCsvTable(readFileSync(packageFile('data', 'nhanes', 'nhanes_2015_2016.csv'), 'utf8'), model.schema, ['weight_exam']);
  const rows = table.rows.filter((r) => (r.weight_exam as number) > 0 && (r.age_years as number) >= 20 && r.interview_exam_status === 'interview_and_exam' && r.cancer_dx === 'no').slice(0, 40);
  const prep: number[] = [];
  let sizes = 0;
  let sampler;
  for (const r of rows) {
    const where: Record<string, string | number> = {};
    for (const v of model.schema.variables) {
      const x = r[v.name];
      if (x !== undefined && v.name !== 'fasting_glucose_mg_dl') where[v.name] = x;
    }
    sizes += Object.keys(where).length;
    const t0 = performance.now();
    try {
      sampler = prepareRecordSampler(model, where);
    } catch {
      continue;
    }
    prep.push(performance.now() - t0);
  }
  if (sampler === undefined) return;
  const n = 20000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sampler.sample(streamFor({ modelHash: model.hash, cohortId: 'bench', index: i, part: 'profile' }));
  const s = (performance.now() - t0) / 1000;
  console.log(`record sampler: ${median(prep).toFixed(1)} ms median to prepare a record of ~${Math.round(sizes / rows.length)} known values (${prep.length} records), then ${Math.round(n / s)} rows/s`);
  const text = readFileSync(packageFile('data', 'nhanes', 'nhanes_2015_2016.csv'), 'utf8').split('\n').slice(0, SYNTH_ROWS + 1).join('\n');
  const t1 = performance.now();
  const result = synthesizeTable(model, text, { replace: ['hba1c_percent', 'systolic_bp_1_mmhg', 'diabetes_dx'], seed: 1, onError: 'skip' });
  const s1 = (performance.now() - t1) / 1000;
  console.log(`synthesize: ${(result.rowsIn / s1).toFixed(1)} rows/s (${result.rowsIn} NHANES rows, 3 replaced variables, ${result.errors.length} rows outside support listed; includes the 16 prediction draws per row of the report)`);
}

async function main(): Promise<void> {
  await twinLatency();
  recordSampler();
}

void main();
