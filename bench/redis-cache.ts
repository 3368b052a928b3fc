/**
 * Benchmark: is a shared Redis cache of generated patients worth it? (issue 9 §4.) For one patient
 * of the shipped NHANES model, compares regenerating (profile sampling + record + resources, and
 * the JSON a response or an export writes) with fetching the same patient from Redis, cached
 * either as the serialized resources (GET, then JSON.parse to serve or search them) or as the
 * NDJSON lines an export writes (GET only). Sequential round trips and pipelined MGETs of 50.
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); cleans its keys up. Prints figures;
 * asserts nothing. Run alone: `node dist-bench/bench/redis-cache.js [patients]`.
 */
import { randomBytes } from 'node:crypto';

import type { Cohort } from '../src/cohort';
import { CohortService, createDefaultEngine, createMemoryStore, createRedisStore, loadModels } from '../src/cohort';
import type { ModelLike, RecordLike, Store } from '../src/cohort';

const DEFAULT_PATIENTS = 2000;
const MGET_BATCH = 50;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisCacheBenchResult {
  readonly patients: number;
  readonly resourcesPerPatient: number;
  readonly bytesPerPatient: number;
  /** µs per patient. */
  readonly regenerateUs: number;
  readonly regenerateAndStringifyUs: number;
  readonly redisGetUs: number;
  readonly redisGetParseUs: number;
  readonly redisMgetUs: number;
  readonly redisMgetParseUs: number;
}

function usPer(n: number, f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e3 / n;
}

async function usPerAsync(n: number, f: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e3 / n;
}

/** Runs the comparison and returns its figures. */
export async function runRedisCacheBench(patients = DEFAULT_PATIENTS): Promise<RedisCacheBenchResult> {
  const cohorts = new CohortService<ModelLike, RecordLike>({
    store: createMemoryStore(),
    models: loadModels(undefined),
    engine: createDefaultEngine(),
    recordCacheSize: 0,
    defaults: { asOf: '2025-01-01', lookbackYears: 3 },
  });
  const cohort: Cohort = await cohorts.register({ size: 2 * patients + 500, seed: 9 });
  // Warm-up: JIT, sampler.
  for (let i = 0; i < 300; i++) cohorts.generateAt(cohort, 2 * patients + i);

  let resources = 0;
  const regenerateUs = usPer(patients, () => {
    for (let i = 0; i < patients; i++) resources += cohorts.resourcesOf(cohorts.generateAt(cohort, i)).length;
  });
  const json: string[] = [];
  const regenerateAndStringifyUs = usPer(patients, () => {
    for (let i = patients; i < 2 * patients; i++) {
      json.push(JSON.stringify(cohorts.resourcesOf(cohorts.generateAt(cohort, i))));
    }
  });
  const bytes = json.reduce((s, t) => s + t.length, 0);

  const prefix = `synthfhir-bench:${randomBytes(4).toString('hex')}:`;
  const store: Store = await createRedisStore({ url: REDIS_URL, prefix });
  try {
    const key = (i: number): string => `rec:${i}`;
    for (let i = 0; i < patients; i += MGET_BATCH) {
      await store.mset(json.slice(i, i + MGET_BATCH).map((t, j): [string, string] => [key(i + j), t]));
    }
    let sink = 0;
    const redisGetUs = await usPerAsync(patients, async () => {
      for (let i = 0; i < patients; i++) sink += (await store.get(key(i)))?.length ?? 0;
    });
    const redisGetParseUs = await usPerAsync(patients, async () => {
      for (let i = 0; i < patients; i++) sink += (JSON.parse((await store.get(key(i))) ?? '[]') as unknown[]).length;
    });
    const batches = (): string[][] => {
      const out: string[][] = [];
      for (let i = 0; i < patients; i += MGET_BATCH) out.push(Array.from({ length: Math.min(MGET_BATCH, patients - i) }, (_, j) => key(i + j)));
      return out;
    };
    const redisMgetUs = await usPerAsync(patients, async () => {
      for (const b of batches()) for (const v of await store.mget(b)) sink += v?.length ?? 0;
    });
    const redisMgetParseUs = await usPerAsync(patients, async () => {
      for (const b of batches()) for (const v of await store.mget(b)) sink += (JSON.parse(v ?? '[]') as unknown[]).length;
    });
    if (sink < 0) console.log(sink);
    return {
      patients,
      resourcesPerPatient: resources / patients,
      bytesPerPatient: bytes / patients,
      regenerateUs,
      regenerateAndStringifyUs,
      redisGetUs,
      redisGetParseUs,
      redisMgetUs,
      redisMgetParseUs,
    };
  } finally {
    const keys = await store.keys('');
    for (let i = 0; i < keys.length; i += 500) await store.delete(...keys.slice(i, i + 500));
    await store.close();
  }
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? DEFAULT_PATIENTS);
  runRedisCacheBench(Number.isFinite(n) && n > 0 ? n : DEFAULT_PATIENTS).then(
    (r) => {
      const f = (us: number): string => `${us.toFixed(0)} µs`;
      console.log(
        `redis-cache: ${r.patients} patients of the shipped model, ${r.resourcesPerPatient.toFixed(1)} resources and ${(r.bytesPerPatient / 1024).toFixed(1)} KiB of JSON each; Redis at ${REDIS_URL}`,
      );
      console.log(`  regenerate (profile + record + resources):       ${f(r.regenerateUs)} per patient`);
      console.log(`  regenerate + JSON.stringify (what is written):   ${f(r.regenerateAndStringifyUs)} per patient`);
      console.log(`  Redis GET of the serialized patient (hit):       ${f(r.redisGetUs)} per patient (one round trip each)`);
      console.log(`  Redis GET + JSON.parse (to serve/search objects): ${f(r.redisGetParseUs)} per patient`);
      console.log(`  Redis MGET x${MGET_BATCH} (pipelined hit):                ${f(r.redisMgetUs)} per patient`);
      console.log(`  Redis MGET x${MGET_BATCH} + JSON.parse:                   ${f(r.redisMgetParseUs)} per patient`);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
