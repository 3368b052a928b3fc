/**
 * Benchmark (issue 9 §7): balanced-cohort creation latency — 10,000 patients balanced over 12
 * strata (race/ethnicity × sex, uniform), cold (fresh model: every stratum's sampler built) and warm
 * (another seed: samplers cached) — and the flat table's throughput: profiles.csv rows/s generated
 * in-process, and served over HTTP by GET /cohorts/<id>/profiles.csv on one process (memory store,
 * shipped model). Prints figures; asserts nothing. Run alone: `node dist-bench/bench/cohort.js [patients]`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { get } from 'node:http';

import { createApp } from '../src/app';
import { CohortService, createDefaultEngine, createMemoryStore, loadModels, profileTableChunks } from '../src/cohort';
import type { Cohort, CohortRequest, ModelLike, RecordLike } from '../src/cohort';
import { loadConfig } from '../src/config';
import type { Logger } from '../src/fhir';

const DEFAULT_PATIENTS = 10_000;
const WARM_RUNS = 5;

const SILENT: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function service(): CohortService<ModelLike, RecordLike> {
  return new CohortService({
    store: createMemoryStore(),
    models: loadModels(undefined),
    engine: createDefaultEngine(),
    recordCacheSize: 0,
    defaults: { asOf: '2025-01-01', lookbackYears: 3 },
  });
}

async function creation(label: string, spec: (seed: number) => CohortRequest): Promise<{ cohorts: CohortService<ModelLike, RecordLike>; cohort: Cohort }> {
  const cohorts = service();
  let t = process.hrtime.bigint();
  const cohort = await cohorts.register(spec(1));
  const cold = ms(t);
  const warm: number[] = [];
  for (let seed = 2; seed < 2 + WARM_RUNS; seed++) {
    t = process.hrtime.bigint();
    await cohorts.register(spec(seed));
    warm.push(ms(t));
  }
  const strata = cohorts.strataOf(cohort);
  console.log(
    `  ${label}: ${strata.length} strata, counts ${Math.min(...strata.map((s) => s.count))}-${Math.max(...strata.map((s) => s.count))}; ` +
      `register ${cold.toFixed(0)} ms cold (samplers built), ${median(warm).toFixed(1)} ms warm (median of ${WARM_RUNS} seeds)`,
  );
  return { cohorts, cohort };
}

function inProcessRows(cohorts: CohortService<ModelLike, RecordLike>, cohort: Cohort, schema: Parameters<typeof profileTableChunks>[2]): { rowsPerSecond: number; bytes: number } {
  const t = process.hrtime.bigint();
  let bytes = 0;
  for (const chunk of profileTableChunks(cohorts, cohort, schema, 'csv')) bytes += chunk.length;
  return { rowsPerSecond: cohort.spec.size / (ms(t) / 1000), bytes };
}

function fetchBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function overHttp(patients: number): Promise<void> {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', SYNTHFHIR_DEFAULT_COHORT_SIZE: '10' }), { logger: SILENT });
  const server = createServer(app.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const spec = { size: patients, seed: 99, balance: { by: ['race_ethnicity', 'sex'], target: 'uniform' } };
    const res = await fetch(`${base}/cohorts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
    const { id } = (await res.json()) as { id: string };
    // First fetch prepares nothing new (register did); a second one measures the steady state.
    let t = process.hrtime.bigint();
    const bytes = await fetchBytes(`${base}/cohorts/${id}/profiles.csv`);
    const first = ms(t);
    t = process.hrtime.bigint();
    await fetchBytes(`${base}/cohorts/${id}/profiles.csv`);
    const second = ms(t);
    console.log(
      `  GET /cohorts/<id>/profiles.csv over HTTP: ${patients} rows, ${(bytes / 1e6).toFixed(1)} MB; ` +
        `${Math.round(patients / (first / 1000))} rows/s first fetch, ${Math.round(patients / (second / 1000))} rows/s second (one process, streamed)`,
    );
    const ndT = process.hrtime.bigint();
    await fetchBytes(`${base}/cohorts/${id}/profiles.ndjson`);
    console.log(`  GET /cohorts/<id>/profiles.ndjson over HTTP: ${Math.round(patients / (ms(ndT) / 1000))} rows/s`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await app.close();
  }
}

async function main(): Promise<void> {
  const arg = Number(process.argv[2] ?? DEFAULT_PATIENTS);
  const patients = Number.isInteger(arg) && arg > 0 ? arg : DEFAULT_PATIENTS;
  console.log(`cohort: ${patients} patients, shipped model, memory store`);
  const { cohorts, cohort } = await creation('uniform over race_ethnicity × sex', (seed) => ({
    size: patients,
    seed,
    balance: { by: ['race_ethnicity', 'sex'], target: 'uniform' },
  }));
  await creation('diabetes, age 40-65, uniform over race_ethnicity × sex', (seed) => ({
    size: patients,
    seed,
    where: { diabetes_dx: 'yes', age_years: { gte: 40, lte: 65 } },
    balance: { by: ['race_ethnicity', 'sex'], target: 'uniform' },
  }));
  await creation('age bins [18, 40, 65) × sex × diabetes (12 strata, boxes)', (seed) => ({
    size: patients,
    seed,
    where: { age_years: { gte: 18 } },
    balance: { by: [{ var: 'age_years', cuts: [40, 65] }, 'sex', 'diabetes_dx'], target: 'uniform' },
  }));
  const model = await cohorts.modelOf(cohort);
  const first = inProcessRows(cohorts, cohort, model.schema);
  const second = inProcessRows(cohorts, cohort, model.schema);
  console.log(
    `  profiles.csv in-process: ${Math.round(first.rowsPerSecond)} rows/s first pass, ${Math.round(second.rowsPerSecond)} rows/s second ` +
      `(${Math.round(first.bytes / patients)} bytes/row)`,
  );
  await overHttp(patients);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
