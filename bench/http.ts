/**
 * HTTP benchmark (issue 4 §5): synthfhir in a child process, load from autocannon in this one.
 *  - GET /fhir/Patient/{id} req/s next to a bare node:http hello-world server in the same run
 *    (goal ≥ 70% of it);
 *  - GET /fhir/Observation?subject=Patient/{id} req/s (goal ≥ 1,000);
 *  - GET /fhir/Observation?code=4548-4 p50 latency on the default cohort once its corpus and
 *    index are built (goal < 50 ms);
 *  - and, for scale, reads of patients of a 1,000,000-patient cohort (each regenerated: cache misses).
 * Prints figures; asserts nothing. Run alone: `npx tsc -p tsconfig.bench.json && node dist-bench/bench/http.js`.
 * The machine is shared (2 cores): the server child and autocannon compete for them, as they would
 * for a bare server too, so compare ratios within one run.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import autocannon from 'autocannon';

import type { ChildReady } from './http-server';

/** Seconds per measured run; long enough for a stable mean on a shared machine. */
const DURATION_S = 8;
/** Concurrent connections for throughput runs (autocannon's default). */
const CONNECTIONS = 10;
/** Distinct patients cycled through, so reads are not one cached object. */
const PATIENTS_CYCLED = 200;

export interface HttpBenchResult {
  readonly bareReqPerSec: number;
  /** Server CPU time per request (µs), independent of the load generator's share of the cores. */
  readonly bareCpuMicrosPerReq: number;
  readonly patientReadCpuMicrosPerReq: number;
  /** The bare server again, answering with a body as large as the average Patient read. */
  readonly bareSameSizeReqPerSec: number;
  readonly bareSameSizeCpuMicrosPerReq: number;
  readonly patientReadVsBareSameSize: number;
  /** A bare node:http server sending the exact bytes of one synthfhir Patient read. */
  readonly bareExactReqPerSec: number;
  readonly bareExactCpuMicrosPerReq: number;
  readonly patientReadVsBareExact: number;
  /** Medplum's in-memory router loaded with synthfhir's own patients. */
  readonly medplum: { readonly patients: number; readonly resources: number; readonly readReqPerSec: number; readonly readCpuMicrosPerReq: number; readonly bySubjectReqPerSec: number };
  readonly patientReadVsMedplum: number;
  /** Conditional reads (If-None-Match → 304). */
  readonly notModifiedReqPerSec: number;
  readonly patientBytes: number;
  readonly patientReadReqPerSec: number;
  readonly patientReadVsBare: number;
  readonly observationBySubjectReqPerSec: number;
  readonly observationByCodeP50Ms: number;
  readonly observationByCodeP99Ms: number;
  readonly uncachedPatientReadReqPerSec: number;
  readonly firstCodeSearchMs: number;
}

function startChild(mode: 'bare' | 'synthfhir', bodyBytes = 0): Promise<{ child: ChildProcess; ready: ChildReady }> {
  return startChildWith(mode === 'bare' ? ['bare', String(bodyBytes)] : []);
}

function startChildWith(args: readonly string[]): Promise<{ child: ChildProcess; ready: ChildReady }> {
  const child = fork(join(__dirname, 'http-server.js'), [...args], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, ready: m as ChildReady }));
    child.once('exit', (code) => reject(new Error(`bench server (${args.join(' ') || 'synthfhir'}) exited with ${String(code)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
    child.send('cpu');
  });
}

/** A load run plus the server's CPU µs per request during it. */
async function measured(
  child: ChildProcess,
  url: string,
  paths: readonly string[],
  connections = CONNECTIONS,
): Promise<{ result: autocannon.Result; cpuMicrosPerReq: number }> {
  const before = await cpuOf(child);
  const result = await load(url, paths, connections);
  const after = await cpuOf(child);
  return { result, cpuMicrosPerReq: round((after - before) / Math.max(1, result.requests.total), 1) };
}

async function load(
  url: string,
  paths: readonly string[],
  connections = CONNECTIONS,
  duration = DURATION_S,
  headers?: Record<string, string>,
  okStatus = 200,
): Promise<autocannon.Result> {
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: paths.map((path) => ({ method: 'GET' as const, path, ...(headers !== undefined ? { headers } : {}) })),
  });
  const bad = okStatus === 200 ? result.non2xx : result.requests.total - (result.statusCodeStats?.[String(okStatus) as '200']?.count ?? 0);
  if (bad > 0 || result.errors > 0) {
    throw new Error(`bench: ${result.non2xx} non-2xx responses and ${result.errors} errors at ${url}${paths[0]}`);
  }
  return result;
}

async function timeGet(url: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  if (!r.ok) throw new Error(`bench: ${r.status} at ${url}`);
  return performance.now() - t;
}

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The bare server's req/s and CPU per request, answering a body of `bodyBytes` (0: hello world). */
async function bareRun(bodyBytes: number): Promise<{ reqPerSec: number; cpuMicrosPerReq: number }> {
  const bare = await startChild('bare', bodyBytes);
  try {
    const run = await measured(bare.child, bare.ready.url, ['/']);
    return { reqPerSec: round(run.result.requests.average, 0), cpuMicrosPerReq: run.cpuMicrosPerReq };
  } finally {
    await stop(bare.child);
  }
}

type SynthfhirFigures = Omit<
  HttpBenchResult,
  | 'bareReqPerSec'
  | 'bareCpuMicrosPerReq'
  | 'patientReadVsBare'
  | 'bareSameSizeReqPerSec'
  | 'bareSameSizeCpuMicrosPerReq'
  | 'patientReadVsBareSameSize'
  | 'bareExactReqPerSec'
  | 'bareExactCpuMicrosPerReq'
  | 'patientReadVsBareExact'
  | 'medplum'
  | 'patientReadVsMedplum'
> & { readonly patientBodyFile: string };

/** Medplum's in-memory router with synthfhir's own first MEDPLUM_PATIENTS patients. */
const MEDPLUM_PATIENTS = 300;

async function medplumRuns(): Promise<HttpBenchResult['medplum']> {
  const peer = await startChildWith(['medplum', String(MEDPLUM_PATIENTS)]);
  try {
    const cohort = peer.ready.defaultCohortId!;
    const ids = Array.from({ length: PATIENTS_CYCLED }, (_, i) => `${cohort}-${(i * 37) % MEDPLUM_PATIENTS}`);
    for (const id of ids.slice(0, 20)) await timeGet(`${peer.ready.url}/fhir/Patient/${id}`);
    const read = await measured(peer.child, peer.ready.url, ids.map((id) => `/fhir/Patient/${id}`));
    const bySubject = await load(peer.ready.url, ids.map((id) => `/fhir/Observation?subject=Patient/${id}&_count=20`), CONNECTIONS, 4);
    return {
      patients: MEDPLUM_PATIENTS,
      resources: peer.ready.resources ?? 0,
      readReqPerSec: round(read.result.requests.average, 0),
      readCpuMicrosPerReq: read.cpuMicrosPerReq,
      bySubjectReqPerSec: round(bySubject.requests.average, 1),
    };
  } finally {
    await stop(peer.child);
  }
}

/** Every synthfhir figure, against one server child. */
async function synthfhirRuns(): Promise<SynthfhirFigures> {
  const app = await startChild('synthfhir');
  try {
    const base = `${app.ready.url}/fhir`;
    const cohort = app.ready.defaultCohortId!;
    const ids = Array.from({ length: PATIENTS_CYCLED }, (_, i) => `${cohort}-${(i * 37) % 1000}`);
    // Waits for the default cohort's corpus (built at start), then builds the code index once.
    const firstCodeSearchMs = await timeGet(`${base}/Observation?code=4548-4&_count=1`);
    await timeGet(`${base}/Observation?code=4548-4`);
    for (const id of ids) await timeGet(`${base}/Patient/${id}`);

    const read = await measured(app.child, app.ready.url, ids.map((id) => `/fhir/Patient/${id}`));
    const notModified = await load(app.ready.url, ids.map((id) => `/fhir/Patient/${id}`), CONNECTIONS, 4, { 'if-none-match': 'W/"1"' }, 304);
    const patientBodyFile = join(mkdtempSync(join(tmpdir(), 'synthfhir-bench-')), 'patient.json');
    writeFileSync(patientBodyFile, Buffer.from(await (await fetch(`${base}/Patient/${ids[0]}`)).arrayBuffer()));
    const bySubject = await load(app.ready.url, ids.map((id) => `/fhir/Observation?subject=Patient/${id}`));
    const byCode = await load(app.ready.url, ['/fhir/Observation?code=4548-4'], 1);
    const group = (await (await fetch(`${base}/Group/$cohort?size=1000000&seed=7`)).json()) as { id: string };
    const cold = Array.from({ length: 5000 }, (_, i) => `/fhir/Patient/${group.id}-${(i * 7919) % 1_000_000}`);
    const uncached = await load(app.ready.url, cold);
    return {
      patientReadReqPerSec: round(read.result.requests.average, 0),
      patientReadCpuMicrosPerReq: read.cpuMicrosPerReq,
      patientBytes: Math.round(read.result.throughput.total / Math.max(1, read.result.requests.total)),
      observationBySubjectReqPerSec: round(bySubject.requests.average, 0),
      observationByCodeP50Ms: byCode.latency.p50,
      observationByCodeP99Ms: byCode.latency.p99,
      uncachedPatientReadReqPerSec: round(uncached.requests.average, 0),
      firstCodeSearchMs: round(firstCodeSearchMs, 0),
      notModifiedReqPerSec: round(notModified.requests.average, 0),
      patientBodyFile,
    };
  } finally {
    await stop(app.child);
  }
}

function print(r: HttpBenchResult): void {
  console.log('HTTP bench (synthfhir child process, autocannon here; %d s per run, %d connections)', DURATION_S, CONNECTIONS);
  console.log(`  bare node:http hello world           ${r.bareReqPerSec} req/s`);
  console.log(`  GET /fhir/Patient/{id} (cached)      ${r.patientReadReqPerSec} req/s = ${round(r.patientReadVsBare * 100)}% of bare (goal ≥ 70%)`);
  console.log(`  bare node:http, same body size       ${r.bareSameSizeReqPerSec} req/s (${r.patientBytes} bytes); Patient read = ${round(r.patientReadVsBareSameSize * 100)}% of it`);
  console.log(`  bare node:http, same Patient bytes   ${r.bareExactReqPerSec} req/s; Patient read = ${round(r.patientReadVsBareExact * 100)}% of it (goal ≥ 70%)`);
  console.log(`  Medplum in-memory router, Patient    ${r.medplum.readReqPerSec} req/s (${r.medplum.patients} synthfhir patients, ${r.medplum.resources} resources); synthfhir = ${r.patientReadVsMedplum}× (goal ≥ 1.2×)`);
  console.log(`  Medplum Observation?subject=…        ${r.medplum.bySubjectReqPerSec} req/s`);
  console.log(`  GET Patient/{id} If-None-Match → 304 ${r.notModifiedReqPerSec} req/s`);
  console.log(`  server CPU per request (µs)          bare exact ${r.bareExactCpuMicrosPerReq}, Medplum read ${r.medplum.readCpuMicrosPerReq}`);
  console.log(`  server CPU per request               bare ${r.bareCpuMicrosPerReq} µs, bare same size ${r.bareSameSizeCpuMicrosPerReq} µs, Patient read ${r.patientReadCpuMicrosPerReq} µs`);
  console.log(`  GET /fhir/Observation?subject=…      ${r.observationBySubjectReqPerSec} req/s (goal ≥ 1,000)`);
  console.log(`  GET /fhir/Observation?code=4548-4    p50 ${r.observationByCodeP50Ms} ms, p99 ${r.observationByCodeP99Ms} ms, 1 connection (goal p50 < 50 ms)`);
  console.log(`  GET /fhir/Patient/{id}, 1M cohort    ${r.uncachedPatientReadReqPerSec} req/s (regenerated on read)`);
  console.log(`  first code search after start        ${r.firstCodeSearchMs} ms (waits for the corpus + builds the index)`);
}

/** Runs every HTTP figure and prints them. */
export async function runHttpBench(): Promise<HttpBenchResult> {
  const bare = await bareRun(0);
  const { patientBodyFile, ...app } = await synthfhirRuns();
  // Much of a read's cost is its payload, not the code: the same bare server, sending as many bytes.
  const sameSize = await bareRun(app.patientBytes);
  const exact = await startChildWith(['bare-file', patientBodyFile]);
  let exactRun;
  try {
    exactRun = await measured(exact.child, exact.ready.url, ['/']);
  } finally {
    await stop(exact.child);
  }
  const medplum = await medplumRuns();
  const result: HttpBenchResult = {
    ...app,
    bareExactReqPerSec: round(exactRun.result.requests.average, 0),
    bareExactCpuMicrosPerReq: exactRun.cpuMicrosPerReq,
    patientReadVsBareExact: round(app.patientReadReqPerSec / exactRun.result.requests.average, 3),
    medplum,
    patientReadVsMedplum: round(app.patientReadReqPerSec / medplum.readReqPerSec, 2),
    bareReqPerSec: bare.reqPerSec,
    bareCpuMicrosPerReq: bare.cpuMicrosPerReq,
    patientReadVsBare: round(app.patientReadReqPerSec / bare.reqPerSec, 3),
    bareSameSizeReqPerSec: sameSize.reqPerSec,
    bareSameSizeCpuMicrosPerReq: sameSize.cpuMicrosPerReq,
    patientReadVsBareSameSize: round(app.patientReadReqPerSec / sameSize.reqPerSec, 3),
  };
  print(result);
  return result;
}

if (require.main === module) {
  runHttpBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
