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
 * for a bare server too, so compare ratios within one run. The read comparison (issue 11 §1) is
 * interleaved: synthfhir, a bare node:http server sending the same Patient bytes and Medplum's
 * in-memory router run side by side, READ_ROUNDS rounds of one run each, and the ratios are the
 * medians of the per-round ratios (a load spike from another process hits one round, not one
 * server); server CPU µs per request is summed over the rounds.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
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
/** Interleaved rounds of the read comparison (synthfhir, bare same bytes, Medplum), seconds each. */
const READ_ROUNDS = 3;
const READ_ROUND_S = 4;

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
  /** Per interleaved round: req/s of synthfhir, bare (same bytes) and Medplum reads. */
  readonly readRounds: readonly { readonly synthfhir: number; readonly bare: number; readonly medplum: number }[];
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
  if (child.exitCode !== null || child.signalCode !== null) return; // already gone (a signal leaves exitCode null)
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
  duration = DURATION_S,
): Promise<{ result: autocannon.Result; cpuMicrosPerReq: number; cpuMicros: number }> {
  const before = await cpuOf(child);
  const result = await load(url, paths, connections, duration);
  const after = await cpuOf(child);
  return { result, cpuMicros: after - before, cpuMicrosPerReq: round((after - before) / Math.max(1, result.requests.total), 1) };
}

function medianOf(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly paths: readonly string[];
}

/** Req/s and CPU per request of each server, interleaved over READ_ROUNDS rounds. */
async function interleavedReads(servers: Readonly<Record<'synthfhir' | 'bare' | 'medplum', Server>>): Promise<{
  rounds: { synthfhir: number; bare: number; medplum: number }[];
  reqPerSec: Record<'synthfhir' | 'bare' | 'medplum', number>;
  cpuMicrosPerReq: Record<'synthfhir' | 'bare' | 'medplum', number>;
}> {
  const names = ['synthfhir', 'bare', 'medplum'] as const;
  const rounds: { synthfhir: number; bare: number; medplum: number }[] = [];
  const cpu = { synthfhir: 0, bare: 0, medplum: 0 };
  const requests = { synthfhir: 0, bare: 0, medplum: 0 };
  for (let r = 0; r < READ_ROUNDS; r++) {
    const round = { synthfhir: 0, bare: 0, medplum: 0 };
    // Rotate the order so that no server always runs first (or last) in a round.
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      const s = servers[name];
      const run = await measured(s.child, s.url, s.paths, CONNECTIONS, READ_ROUND_S);
      round[name] = run.result.requests.average;
      cpu[name] += run.cpuMicros;
      requests[name] += run.result.requests.total;
    }
    rounds.push(round);
  }
  const reqPerSec = { synthfhir: 0, bare: 0, medplum: 0 };
  const cpuMicrosPerReq = { synthfhir: 0, bare: 0, medplum: 0 };
  for (const name of names) {
    reqPerSec[name] = round(medianOf(rounds.map((x) => x[name])), 0);
    cpuMicrosPerReq[name] = round(cpu[name] / Math.max(1, requests[name]), 1);
  }
  return { rounds, reqPerSec, cpuMicrosPerReq };
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

/** Medplum's in-memory router with synthfhir's own first MEDPLUM_PATIENTS patients. */
const MEDPLUM_PATIENTS = 300;

async function stopAll(children: readonly (ChildProcess | undefined)[]): Promise<void> {
  for (const c of children) if (c !== undefined) await stop(c);
}

/**
 * Every figure but the bare baselines of other sizes: synthfhir, the bare server sending its exact
 * Patient bytes and the Medplum peer are up together for the interleaved read comparison.
 */
async function sideBySideRuns(): Promise<Omit<HttpBenchResult, 'bareReqPerSec' | 'bareCpuMicrosPerReq' | 'patientReadVsBare' | 'bareSameSizeReqPerSec' | 'bareSameSizeCpuMicrosPerReq' | 'patientReadVsBareSameSize'>> {
  const app = await startChild('synthfhir');
  let exact: { child: ChildProcess; ready: ChildReady } | undefined;
  let peer: { child: ChildProcess; ready: ChildReady } | undefined;
  try {
    const base = `${app.ready.url}/fhir`;
    const cohort = app.ready.defaultCohortId!;
    const ids = Array.from({ length: PATIENTS_CYCLED }, (_, i) => `${cohort}-${(i * 37) % 1000}`);
    // Waits for the default cohort's corpus (built at start), then builds the code index once.
    const firstCodeSearchMs = await timeGet(`${base}/Observation?code=4548-4&_count=1`);
    await timeGet(`${base}/Observation?code=4548-4`);
    for (const id of ids) await timeGet(`${base}/Patient/${id}`);
    const patientBodyFile = join(mkdtempSync(join(tmpdir(), 'synthfhir-bench-')), 'patient.json');
    writeFileSync(patientBodyFile, Buffer.from(await (await fetch(`${base}/Patient/${ids[0]}`)).arrayBuffer()));

    exact = await startChildWith(['bare-file', patientBodyFile]);
    peer = await startChildWith(['medplum', String(MEDPLUM_PATIENTS)]);
    const peerCohort = peer.ready.defaultCohortId!;
    const peerIds = Array.from({ length: PATIENTS_CYCLED }, (_, i) => `${peerCohort}-${(i * 37) % MEDPLUM_PATIENTS}`);
    for (const id of peerIds.slice(0, 20)) await timeGet(`${peer.ready.url}/fhir/Patient/${id}`);

    const reads = await interleavedReads({
      synthfhir: { child: app.child, url: app.ready.url, paths: ids.map((id) => `/fhir/Patient/${id}`) },
      bare: { child: exact.child, url: exact.ready.url, paths: ['/'] },
      medplum: { child: peer.child, url: peer.ready.url, paths: peerIds.map((id) => `/fhir/Patient/${id}`) },
    });
    const medplumBySubject = await load(peer.ready.url, peerIds.map((id) => `/fhir/Observation?subject=Patient/${id}&_count=20`), CONNECTIONS, 4);
    await stopAll([exact.child, peer.child]);
    const patientBytes = statSync(patientBodyFile).size;

    const notModified = await load(app.ready.url, ids.map((id) => `/fhir/Patient/${id}`), CONNECTIONS, 4, { 'if-none-match': 'W/"1"' }, 304);
    const bySubject = await load(app.ready.url, ids.map((id) => `/fhir/Observation?subject=Patient/${id}`));
    const byCode = await load(app.ready.url, ['/fhir/Observation?code=4548-4'], 1);
    const group = (await (await fetch(`${base}/Group/$cohort?size=1000000&seed=7`)).json()) as { id: string };
    const cold = Array.from({ length: 5000 }, (_, i) => `/fhir/Patient/${group.id}-${(i * 7919) % 1_000_000}`);
    const uncached = await load(app.ready.url, cold);
    return {
      readRounds: reads.rounds.map((r) => ({ synthfhir: round(r.synthfhir, 0), bare: round(r.bare, 0), medplum: round(r.medplum, 0) })),
      patientReadReqPerSec: reads.reqPerSec.synthfhir,
      patientReadCpuMicrosPerReq: reads.cpuMicrosPerReq.synthfhir,
      bareExactReqPerSec: reads.reqPerSec.bare,
      bareExactCpuMicrosPerReq: reads.cpuMicrosPerReq.bare,
      patientReadVsBareExact: round(medianOf(reads.rounds.map((r) => r.synthfhir / r.bare)), 3),
      medplum: {
        patients: MEDPLUM_PATIENTS,
        resources: peer.ready.resources ?? 0,
        readReqPerSec: reads.reqPerSec.medplum,
        readCpuMicrosPerReq: reads.cpuMicrosPerReq.medplum,
        bySubjectReqPerSec: round(medplumBySubject.requests.average, 1),
      },
      patientReadVsMedplum: round(medianOf(reads.rounds.map((r) => r.synthfhir / r.medplum)), 2),
      patientBytes,
      observationBySubjectReqPerSec: round(bySubject.requests.average, 0),
      observationByCodeP50Ms: byCode.latency.p50,
      observationByCodeP99Ms: byCode.latency.p99,
      uncachedPatientReadReqPerSec: round(uncached.requests.average, 0),
      firstCodeSearchMs: round(firstCodeSearchMs, 0),
      notModifiedReqPerSec: round(notModified.requests.average, 0),
    };
  } finally {
    await stopAll([exact?.child, peer?.child, app.child]);
  }
}

function print(r: HttpBenchResult): void {
  console.log('HTTP bench (synthfhir child process, autocannon here; %d s per run, %d connections)', DURATION_S, CONNECTIONS);
  console.log(`  bare node:http hello world           ${r.bareReqPerSec} req/s`);
  console.log(`  GET /fhir/Patient/{id} side by side, ${READ_ROUNDS} interleaved rounds of ${READ_ROUND_S} s (median req/s; server CPU µs per request):`);
  console.log(`    synthfhir (cached read)            ${r.patientReadReqPerSec} req/s; ${r.patientReadCpuMicrosPerReq} µs CPU/req`);
  console.log(`    bare node:http, same Patient bytes ${r.bareExactReqPerSec} req/s; ${r.bareExactCpuMicrosPerReq} µs CPU/req`);
  console.log(`    Medplum in-memory router           ${r.medplum.readReqPerSec} req/s; ${r.medplum.readCpuMicrosPerReq} µs CPU/req (${r.medplum.patients} synthfhir patients, ${r.medplum.resources} resources)`);
  console.log(`    rounds (synthfhir/bare/Medplum)    ${r.readRounds.map((x) => `${x.synthfhir}/${x.bare}/${x.medplum}`).join(', ')}`);
  console.log(`    synthfhir = ${round(r.patientReadVsBareExact * 100)}% of bare same bytes (goal ≥ 70%), ${r.patientReadVsMedplum}× Medplum (goal ≥ 1.2×); by CPU per request: ${round((r.bareExactCpuMicrosPerReq / r.patientReadCpuMicrosPerReq) * 100)}% of bare, ${round(r.medplum.readCpuMicrosPerReq / r.patientReadCpuMicrosPerReq, 2)}× Medplum`);
  console.log(`  bare node:http, same body size       ${r.bareSameSizeReqPerSec} req/s (${r.patientBytes} bytes), ${r.bareSameSizeCpuMicrosPerReq} µs CPU/req (hello world: ${r.bareCpuMicrosPerReq} µs)`);
  console.log(`  Medplum Observation?subject=…        ${r.medplum.bySubjectReqPerSec} req/s`);
  console.log(`  GET Patient/{id} If-None-Match → 304 ${r.notModifiedReqPerSec} req/s`);
  console.log(`  GET /fhir/Observation?subject=…      ${r.observationBySubjectReqPerSec} req/s (goal ≥ 1,000)`);
  console.log(`  GET /fhir/Observation?code=4548-4    p50 ${r.observationByCodeP50Ms} ms, p99 ${r.observationByCodeP99Ms} ms, 1 connection (goal p50 < 50 ms)`);
  console.log(`  GET /fhir/Patient/{id}, 1M cohort    ${r.uncachedPatientReadReqPerSec} req/s (regenerated on read)`);
  console.log(`  first code search after start        ${r.firstCodeSearchMs} ms (waits for the corpus + builds the index)`);
}

/** Runs every HTTP figure and prints them. */
export async function runHttpBench(): Promise<HttpBenchResult> {
  const bare = await bareRun(0);
  const app = await sideBySideRuns();
  // Much of a read's cost is its payload, not the code: the same bare server, sending as many bytes.
  const sameSize = await bareRun(app.patientBytes);
  const result: HttpBenchResult = {
    ...app,
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
