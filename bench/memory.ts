/**
 * Memory benchmark (issue 11 §2): a server child with a 1,000,000-patient default cohort, loaded
 * with random patient reads and patient-scoped searches (Observation?subject=, Condition?patient=)
 * by autocannon here, printing RSS and the record cache's bytes from /metrics every few seconds.
 * Goal: RSS < 300 MB. Default 60 s; `--minutes 10` or SYNTHFHIR_BENCH_MEMORY_SECONDS=600 for the issue's
 * 10 minutes; `--unbounded` runs
 * the record cache bounded by count only (the behaviour before SYNTHFHIR_RECORD_CACHE_BYTES), for
 * the before/after figure. Prints figures; asserts nothing.
 * Run alone: `npx tsc -p tsconfig.bench.json && node dist-bench/bench/memory.js [--minutes N] [--unbounded]`.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { join } from 'node:path';

import autocannon from 'autocannon';

import type { ChildReady } from './http-server';

const COHORT_SIZE = 1_000_000;
/** Distinct request paths cycled by the load (each a different random patient). */
const PATHS = 20_000;
/** Seconds between RSS samples (longer runs: every 30 s). */
const SAMPLE_EVERY_S = 5;
const SAMPLE_EVERY_LONG_S = 30;
const CONNECTIONS = 10;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A fixed pseudo-random patient index per request number (deterministic; no Math.random). */
function patientIndex(i: number): number {
  return Number((BigInt(i + 1) * 2654435761n) % BigInt(COHORT_SIZE));
}

function metric(text: string, name: string, cache?: string): number {
  const label = cache === undefined ? '' : `\\{cache="${cache}"\\}`;
  const m = new RegExp(`^${name}${label} (\\S+)$`, 'm').exec(text);
  return m === null ? NaN : Number(m[1]);
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  // Duration: --minutes N, or SYNTHFHIR_BENCH_MEMORY_SECONDS (600 for the issue's 10 minutes); default 60 s.
  const envSeconds = process.env.SYNTHFHIR_BENCH_MEMORY_SECONDS;
  const seconds = argValue('--minutes') !== undefined ? Number(argValue('--minutes')) * 60 : Number(envSeconds ?? '60');
  if (!(seconds > 0)) throw new Error(`bench: bad duration ${seconds} s (--minutes N or SYNTHFHIR_BENCH_MEMORY_SECONDS)`);
  const minutes = seconds / 60;
  const unbounded = process.argv.includes('--unbounded');
  const env = {
    ...process.env,
    SYNTHFHIR_DEFAULT_COHORT_SIZE: String(COHORT_SIZE),
    ...(unbounded ? { SYNTHFHIR_RECORD_CACHE_BYTES: String(64 * 2 ** 30) } : {}),
  };
  // SYNTHFHIR_BENCH_NODE_FLAGS: V8/node flags for the server child (experiments: --max-old-space-size=...).
  const execArgv = (process.env.SYNTHFHIR_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child: ChildProcess = fork(join(__dirname, 'http-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env, execArgv });
  process.once('exit', () => child.kill('SIGTERM')); // never leave the server behind
  const ready = await new Promise<ChildReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ChildReady));
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}`)));
  });
  const cohort = ready.defaultCohortId!;
  const paths = Array.from({ length: PATHS }, (_, i) => {
    const id = `${cohort}-${patientIndex(i)}`;
    return i % 3 === 0 ? `/fhir/Patient/${id}` : i % 3 === 1 ? `/fhir/Observation?subject=Patient/${id}&_count=20` : `/fhir/Condition?patient=${id}`;
  });
  console.log(
    `Memory bench: ${COHORT_SIZE.toLocaleString('en-US')}-patient default cohort, ${minutes} min of random reads and patient-scoped searches, ${CONNECTIONS} connections; record cache ${unbounded ? 'bounded by count only (before)' : 'bounded by bytes (SYNTHFHIR_RECORD_CACHE_BYTES default)'}`,
  );
  console.log('  t (s)  RSS (MB)  heap used (MB)  record cache (MB, entries)  requests');
  const started = performance.now();
  let peak = 0;
  let last = 0;
  let requests = 0;
  const sample = async (): Promise<void> => {
    // A fresh connection each time: a kept-alive one may be closed by the server's 5 s idle timeout.
    const text = await (await fetch(`${ready.url}/metrics`, { headers: { connection: 'close' } })).text();
    const rss = metric(text, 'process_resident_memory_bytes');
    peak = Math.max(peak, rss);
    last = rss;
    const t = Math.round((performance.now() - started) / 1000);
    console.log(
      `  ${String(t).padStart(5)}  ${mb(rss).padStart(8)}  ${mb(metric(text, 'nodejs_heap_size_used_bytes')).padStart(14)}  ${`${mb(metric(text, 'synthfhir_cache_bytes', 'records'))}, ${metric(text, 'synthfhir_cache_entries', 'records')}`.padStart(26)}  ${requests}`,
    );
  };
  await sample();
  const timer = setInterval(() => {
    sample().catch((e: unknown) => console.log(`  (sample failed: ${String(e)})`));
  }, (seconds > 120 ? SAMPLE_EVERY_LONG_S : SAMPLE_EVERY_S) * 1000);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: ready.url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: paths.map((path) => ({ method: 'GET' as const, path })),
      },
      (err, r) => (err !== null && err !== undefined ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(r)),
    );
    instance.on('response', () => requests++);
  });
  clearInterval(timer);
  await sample();
  console.log(
    `  peak RSS ${mb(peak)} MB, end ${mb(last)} MB over ${minutes} min (goal < 300 MB); ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
