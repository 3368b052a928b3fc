/**
 * Benchmark: Bulk Data `$export` (issue 9 §7). Servers run as child processes (bench/export-server.ts)
 * on the shipped NHANES model; the client streams every output file and counts NDJSON lines without
 * keeping them. Figures:
 *  1. one process: resources/s over a whole export (every file of every type; goal ≥ 50,000);
 *  2. two replicas sharing Redis (REDIS_URL, default redis://127.0.0.1:6379), files fetched from
 *     both at once;
 *  3. peak RSS of a replica streaming a 1,000,000-patient cohort's files (goal < 300 MB: nothing is
 *     kept per patient), sampled every 250 ms over a time budget.
 * Prints figures; asserts nothing. Run alone: `node dist-bench/bench/export.js [patients] [rssSeconds]`.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const DEFAULT_PATIENTS = 4000;
const PER_FILE = 1000;
const DEFAULT_RSS_SECONDS = 60;
const BIG_COHORT = 1_000_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  ask<T>(what: 'rss' | 'cpu'): Promise<T>;
  stop(): Promise<void>;
}

async function startChild(env: Record<string, string>): Promise<Server> {
  const child = fork(join(__dirname, 'export-server.js'), [], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SYNTHFHIR_DEFAULT_COHORT_SIZE: '10', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`export server exited with ${code}`)));
  });
  // One listener; answers come back in the order asked.
  const waiting: ((m: unknown) => void)[] = [];
  child.on('message', (m) => waiting.shift()?.(m));
  return {
    url,
    child,
    ask: <T>(what: 'rss' | 'cpu'): Promise<T> =>
      new Promise<T>((resolve) => {
        waiting.push((m) => resolve(m as T));
        child.send(what);
      }),
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Streams a URL, counting lines; never holds the body. */
async function countLines(url: string, stopAtMs = Infinity): Promise<{ lines: number; bytes: number }> {
  const res = await fetch(url, { headers: { accept: 'application/fhir+ndjson' } });
  if (res.status !== 200 || res.body === null) throw new Error(`GET ${url}: ${res.status}`);
  let lines = 0;
  let bytes = 0;
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const b of value) if (b === 10) lines++;
    if (performance.now() > stopAtMs) {
      await reader.cancel();
      break;
    }
  }
  return { lines, bytes };
}

/** Kick-off → status (202 then 200) → manifest; URLs rebased onto `base`. */
async function manifestOf(base: string, kickPath: string): Promise<{ type: string; url: string }[]> {
  const kick = await fetch(`${base}/fhir/${kickPath}`, { headers: { prefer: 'respond-async' } });
  if (kick.status !== 202) throw new Error(`kick-off ${kick.status}: ${await kick.text()}`);
  const status = kick.headers.get('content-location') ?? '';
  for (;;) {
    const r = await fetch(status);
    if (r.status === 200) return ((await r.json()) as { output: { type: string; url: string }[] }).output;
    await r.text();
  }
}

async function registerCohort(base: string, size: number, seed: number): Promise<string> {
  const r = await fetch(`${base}/fhir/Group/$cohort?size=${size}&seed=${seed}`);
  if (r.status !== 200) throw new Error(`$cohort ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { id: string }).id;
}

/** Fetches files with `concurrency` at a time, each from the server chosen by `serverFor`. */
async function fetchAll(files: readonly { url: string }[], concurrency: number, rebase: (url: string, i: number) => string): Promise<{ lines: number; bytes: number; seconds: number }> {
  let next = 0;
  let lines = 0;
  let bytes = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const i = next++;
        const r = await countLines(rebase(files[i].url, i));
        lines += r.lines;
        bytes += r.bytes;
      }
    }),
  );
  return { lines, bytes, seconds: (performance.now() - t) / 1000 };
}

async function main(): Promise<void> {
  const patients = Number(process.argv[2] ?? DEFAULT_PATIENTS);
  const rssSeconds = Number(process.argv[3] ?? DEFAULT_RSS_SECONDS);
  const env = { SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: String(PER_FILE), SYNTHFHIR_EXPORT_MAX_JOBS_PER_CLIENT: '100' };

  // 1. One process.
  const one = await startChild(env);
  try {
    const cohort = await registerCohort(one.url, patients, 11);
    const files = await manifestOf(one.url, `Group/${cohort}/$export`);
    await countLines(files[0].url.replace(/^http:\/\/[^/]+/, one.url)); // warm-up (JIT, sampler)
    const cpu0 = await one.ask<{ cpuMicros: number }>('cpu');
    const r = await fetchAll(files, 1, (u) => u.replace(/^http:\/\/[^/]+/, one.url));
    const cpu1 = await one.ask<{ cpuMicros: number }>('cpu');
    const cpuSeconds = (cpu1.cpuMicros - cpu0.cpuMicros) / 1e6;
    console.log(`export, one process: ${patients} patients, ${files.length} files, ${r.lines} resources, ${(r.bytes / 2 ** 20).toFixed(0)} MiB in ${r.seconds.toFixed(1)} s`);
    console.log(`  ${Math.round(r.lines / r.seconds)} resources/s wall (${Math.round(r.lines / cpuSeconds)} per server CPU-second; goal ≥ 50,000)`);
    const observations = await fetchAll(files.filter((f) => f.type === 'Observation'), 1, (u) => u.replace(/^http:\/\/[^/]+/, one.url));
    console.log(`  Observation files alone: ${Math.round(observations.lines / observations.seconds)} resources/s wall`);
  } finally {
    await one.stop();
  }

  // 2. Two replicas sharing Redis.
  const prefix = `synthfhir-bench:${randomBytes(4).toString('hex')}:`;
  const shared = { ...env, REDIS_URL, REDIS_PREFIX: prefix };
  const [a, b] = await Promise.all([startChild(shared), startChild(shared)]);
  try {
    const cohort = await registerCohort(a.url, patients, 12);
    const files = await manifestOf(a.url, `Group/${cohort}/$export`);
    await Promise.all([countLines(files[0].url.replace(/^http:\/\/[^/]+/, a.url)), countLines(files[0].url.replace(/^http:\/\/[^/]+/, b.url))]);
    const r = await fetchAll(files, 2, (u, i) => u.replace(/^http:\/\/[^/]+/, i % 2 === 0 ? a.url : b.url));
    console.log(`export, two replicas sharing Redis (2 files at a time, one per replica): ${Math.round(r.lines / r.seconds)} resources/s wall`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }

  // 3. RSS while streaming a 1,000,000-patient cohort.
  const big = await startChild({ ...env, SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: '2000' });
  try {
    const before = (await big.ask<{ rssBytes: number }>('rss')).rssBytes;
    const cohort = await registerCohort(big.url, BIG_COHORT, 13);
    const files = await manifestOf(big.url, `Group/${cohort}/$export?_type=Observation,Patient`);
    let peak = 0;
    const sampler = setInterval(() => {
      void big.ask<{ rssBytes: number }>('rss').then((m) => (peak = Math.max(peak, m.rssBytes)));
    }, 250);
    const stopAt = performance.now() + rssSeconds * 1000;
    let lines = 0;
    let fetched = 0;
    for (const f of files) {
      if (performance.now() > stopAt) break;
      lines += (await countLines(f.url.replace(/^http:\/\/[^/]+/, big.url), stopAt)).lines;
      fetched++;
    }
    clearInterval(sampler);
    const mb = (n: number): string => `${Math.round(n / 2 ** 20)} MB`;
    console.log(
      `export of a ${BIG_COHORT.toLocaleString('en')}-patient cohort (${files.length} files): RSS ${mb(before)} idle, peak ${mb(peak)} while streaming ${lines} resources over ${fetched} files in ${rssSeconds} s (goal < 300 MB)`,
    );
  } finally {
    await big.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
