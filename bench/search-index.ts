/**
 * Benchmark (issue 11 §3, §5): the compact per-cohort search index at scale, through the FHIR
 * router in process (no HTTP). Prints: index build time (wall and CPU) and bytes per patient at
 * BENCH_INDEX_PATIENTS (default 100,000) patients of the default model; p50/p99 of unscoped
 * searches over it (the HbA1c query of the issue first); scoped search req/s; browsing a
 * 1,000,000-patient cohort without any index. Asserts nothing.
 * Run alone: `node dist-bench/bench/search-index.js [patients]`. Building 100,000 patients costs
 * about a minute of CPU per 50,000 patients on a quiet core; on a loaded machine figures are lower bounds.
 */
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { FhirResponse, Logger } from '../src/fhir';

const DEFAULT_PATIENTS = 100_000;
const RUNS = 41;
const SCOPED_SECONDS = 3;
const BROWSE_PATIENTS = 1_000_000;

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Progress lines of the index build, printed as they come. */
function printingLogger(): Logger {
  const line = (obj: object, msg?: string): void => {
    if (msg !== undefined && msg.startsWith('search index')) console.log(`  [${msg}] ${JSON.stringify(obj)}`);
  };
  return { info: line, warn: line, error: line };
}

async function main(): Promise<void> {
  const patients = Number(process.argv[2] ?? process.env.BENCH_INDEX_PATIENTS ?? DEFAULT_PATIENTS);
  const config = loadConfig({ LOG_LEVEL: 'silent', SYNTHFHIR_DEFAULT_COHORT_SIZE: String(patients) });
  const app = await createApp(config, { logger: printingLogger() });
  const get = async (path: string, query: string): Promise<FhirResponse> =>
    app.router.handle({ method: 'GET', path, query: [...new URLSearchParams(query)], headers: {}, baseUrl: 'http://bench/fhir' });

  console.log(`search-index bench: ${patients} patients (default model, 3-year look-back), node ${process.version}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const index = await app.corpora.compactIndex(app.defaultCohort);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const resources = [...index.types.values()].reduce((s, t) => s + t.count, 0);
  const mem = process.memoryUsage();
  console.log(
    `  index built: ${wallS.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU (${((cpuS * 1000) / patients).toFixed(2)} ms CPU per patient, generation included); ` +
      `${resources} resources; ${(index.bytes / 2 ** 20).toFixed(0)} MiB = ${(index.bytes / patients / 1024).toFixed(2)} KB per patient (budget 15); ` +
      `RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, array buffers ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB`,
  );

  const queries: Array<[string, string]> = [
    ['Observation', 'code=4548-4&value-quantity=gt6.5&_count=20'],
    ['Observation', 'code=http://loinc.org|4548-4&date=ge2024-01-01&_count=20'],
    ['Patient', 'gender=female&birthdate=lt1960-01-01&_count=20'],
    ['Condition', 'clinical-status=active&_sort=onset-date&_count=20'],
    ['Encounter', 'class=EMER&_count=20'],
    ['Observation', 'code=4548-4&_sort=-date&_count=20'],
    ['Observation', '_count=20&_offset=1000000'],
    ['Observation', 'code=4548-4&_summary=count'],
  ];
  console.log('  unscoped searches (wall, in process, a page of 20 regenerated or from the record cache):');
  for (const [type, query] of queries) {
    const first = performance.now();
    const r = await get(type, query);
    const coldMs = performance.now() - first;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await get(type, query);
      times.push(performance.now() - t);
    }
    const total = (r.body as { total?: number }).total;
    console.log(
      `    ${`${type}?${query}`.padEnd(64)} ${String(r.status)} total ${String(total).padStart(8)}  first ${coldMs.toFixed(1).padStart(8)} ms  p50 ${quantile(times, 0.5).toFixed(2).padStart(7)} ms  p99 ${quantile(times, 0.99).toFixed(2).padStart(7)} ms`,
    );
  }

  // The same search without the per-index match cache: each run spells 6.5 differently (6.50,
  // 6.500…), the same matches under another cache key, so every run reads the columns again.
  const uncached: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const t = performance.now();
    await get('Observation', `code=4548-4&value-quantity=gt6.5${'0'.repeat(i)}&_count=20`);
    uncached.push(performance.now() - t);
  }
  console.log(
    `    ${'Observation?code=4548-4&value-quantity=gt6.5…&_count=20 (no match cache)'.padEnd(64)} p50 ${quantile(uncached, 0.5).toFixed(2).padStart(7)} ms  p99 ${quantile(uncached, 0.99).toFixed(2).padStart(7)} ms`,
  );

  // Scoped: random patients' Observations, as an integration test would hammer them.
  let n = 0;
  let seed = 12345;
  const nextIndex = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % patients;
  };
  const until = performance.now() + SCOPED_SECONDS * 1000;
  while (performance.now() < until) {
    await get('Observation', `subject=Patient/${app.defaultCohort.id}-${nextIndex()}&_count=20`);
    n++;
  }
  console.log(`  scoped Observation?subject=<random patient>&_count=20: ${(n / SCOPED_SECONDS).toFixed(0)} req/s (in process, one connection)`);

  // Browsing a cohort too large to index: nothing is built.
  const big = await app.cohorts.register({ size: BROWSE_PATIENTS, seed: 2 });
  for (const [type, query] of [
    ['Patient', '_count=20&_offset=900000'],
    ['Patient', '_summary=count'],
    ['Observation', '_count=20'],
  ] as const) {
    const t = performance.now();
    const r = await get(`cohort/${big.id}/${type}`, query);
    const ms = performance.now() - t;
    const links = ((r.body as { link?: { relation: string; url: string }[] }).link ?? []).find((l) => l.relation === 'next');
    let nextMs = NaN;
    if (links !== undefined) {
      const u = new URL(links.url);
      const t2 = performance.now();
      await get(u.pathname.replace(/^\/fhir\//, ''), u.search.slice(1));
      nextMs = performance.now() - t2;
    }
    console.log(
      `  ${BROWSE_PATIENTS}-patient cohort, no index: ${`${type}?${query}`.padEnd(34)} ${r.status} ${ms.toFixed(1).padStart(7)} ms${Number.isNaN(nextMs) ? '' : `, next page ${nextMs.toFixed(1)} ms`}`,
    );
  }
  await app.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
