/**
 * `npm run drills`: the long reliability drills, printing a table for the README.
 *  1. Soak: a real server process (`node dist/server.js`, in-process store), CONNECTIONS (default
 *     100) keep-alive clients for DRILLS_SOAK_SECONDS (default 60; 600 for the 10-minute soak)
 *     after a warm-up (DRILLS_WARMUP_SECONDS, default 90), on a mix: reads, searches, $everything,
 *     both GraphQL endpoints, cohort registration (POST /cohorts, balanced too, and Group/$cohort),
 *     Bulk Data exports (kick-off, status, files), capability. Every request is checked (its expected
 *     status, the whole body received) and timed per kind; a request unanswered after
 *     DRILLS_CLIENT_TIMEOUT_MS (default 30 s) counts as lost. RSS is read after the warm-up, every
 *     5 s, and at the end, with the server's CPU time.
 *  2. The Jest drills (test/drills) with DRILLS_SCALE (default 10) times more fuzzing runs
 *     (DRILLS_SKIP_JEST=1: the soak only).
 * Exits non-zero when a promise is broken: any 5xx, unexpected status, lost request, or growth
 * above 10 % from the end of the warm-up to the end of the soak of the RSS or of the V8 heap
 * retained after a full GC (DRILLS_STRICT_RSS=0 reports the growth without failing). The server's
 * old space is capped (SERVER_NODE_OPTIONS below), so RSS reaches its plateau within the warm-up.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { getText, packageRoot, percentile, startServerProcess } from './drill-support';
import type { ServerProcess } from './drill-support';

const SOAK_S = Number(process.env.DRILLS_SOAK_SECONDS ?? '60');
const WARMUP_S = Number(process.env.DRILLS_WARMUP_SECONDS ?? '90');
const CONNECTIONS = Number(process.env.DRILLS_CONNECTIONS ?? '100');
/** Idle keep-alive sockets older than this are closed by the client (see Soak.agent). */
const FREE_SOCKET_TIMEOUT_MS = 4_000;
const CLIENT_TIMEOUT_MS = Number(process.env.DRILLS_CLIENT_TIMEOUT_MS ?? '30000');
/** A request slower than this is listed by kind (it would have been a timeout for autocannon's default). */
const SLOW_MS = 10_000;
/** Hard bound on requests, whatever the duration. */
const MAX_REQUESTS = Number(process.env.DRILLS_MAX_REQUESTS ?? '2000000');
const DEFAULT_COHORT_SIZE = 1000;
const RSS_GROWTH_LIMIT = 0.1;
/**
 * V8 flags of the soak's server (DRILLS_SERVER_NODE_OPTIONS; empty: V8's defaults). By default the
 * old space is capped at 768 MB, as a deployment should: on this 24 GB machine V8's own limit is
 * 4 GB, and under load it lets ~1 GB of garbage pile up before a major GC (measured: heap used
 * 260 → 910 MB in 60 s while the heap retained after a full GC moved 2.6 %), so raw RSS rises for
 * minutes without anything being retained. The server retains ~265 MB (default cohort corpus and
 * caches), so 768 MB leaves it three times that.
 */
const SERVER_NODE_OPTIONS = (process.env.DRILLS_SERVER_NODE_OPTIONS ?? '--max-old-space-size=768').split(' ').filter((x) => x !== '');
/** DRILLS_TRACE_GC=1: the server runs with --trace-gc and the longest GC pauses are listed. */
const TRACE_GC = process.env.DRILLS_TRACE_GC === '1';

/** The longest GC pauses in --trace-gc output: `[pid:addr:0]   12345 ms: Mark-Compact 980.1 (1030.2) -> 400.2 (450.1) MB, 1234.5 / 0.0 ms ...`. */
function longestGcPauses(output: string): string {
  const pauses: { ms: number; line: string }[] = [];
  let total = 0;
  for (const line of output.split('\n')) {
    const m = /\s(\d+) ms: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact)[^,]*, ([\d.]+) \/ ([\d.]+) ms/.exec(line);
    if (m === null) continue;
    const ms = Number(m[3]);
    total += ms;
    pauses.push({ ms, line: `${m[2]} at ${(Number(m[1]) / 1000).toFixed(0)} s: ${ms.toFixed(0)} ms` });
  }
  pauses.sort((x, y) => y.ms - x.ms);
  return `GC: ${pauses.length} pauses, ${(total / 1000).toFixed(1)} s in all; longest: ${pauses.slice(0, 5).map((p) => p.line).join('; ')}`;
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;

/** One request of the mix: what is sent, and which statuses keep the promise. */
interface Call {
  readonly kind: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly ok: readonly number[];
}

interface Outcome {
  readonly status: number;
  readonly text: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** Per kind: latencies and what went wrong. */
class Tally {
  readonly latencies: number[] = [];
  unexpected = 0;
  fivexx = 0;
  lost = 0;
  slow = 0;
  readonly examples: string[] = [];

  note(example: string): void {
    if (this.examples.length < 3) this.examples.push(example);
  }
}

/** The server's user + system CPU seconds (Linux /proc). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The server's V8 heap in use, from /metrics. */
async function heapUsedOf(server: ServerProcess): Promise<number> {
  const m = /^nodejs_heap_size_used_bytes (\d+)/m.exec(await getText(`${server.url}/metrics`));
  return Number(m?.[1] ?? Number.NaN);
}

/** RSS and heap after a full GC in the server (SIGUSR2, see gc-on-signal.ts): what it retains. */
async function retained(server: ServerProcess): Promise<{ rss: number; heap: number }> {
  server.proc.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 3000));
  return { rss: server.rss(), heap: await heapUsedOf(server) };
}

class Soak {
  readonly tallies = new Map<string, Tally>();
  /**
   * Idle sockets are dropped 1 s before the server's keep-alive timeout (5 s by default,
   * SYNTHFHIR_KEEP_ALIVE_TIMEOUT_MS), as undici (fetch) and agentkeepalive (freeSocketTimeout 4 s)
   * do: Node 20's Agent keeps an idle socket forever and only honours the server's
   * `Keep-Alive: timeout=5` hint when it has a timeout of its own, so a socket reused just as the
   * server closes it is reset (nodejs/node#52649, fixed in later Node lines with the same 1 s).
   */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, timeout: FREE_SOCKET_TIMEOUT_MS });
  total = 0;
  /** The longest time no response completed at all (a stall of the whole server), and when it began. */
  longestGap = { ms: 0, atS: 0 };
  private lastDone = performance.now();
  private readonly started = performance.now();

  constructor(private readonly server: ServerProcess) {}

  tally(kind: string): Tally {
    let t = this.tallies.get(kind);
    if (t === undefined) {
      t = new Tally();
      this.tallies.set(kind, t);
    }
    return t;
  }

  /** Sends one call, records it; resolves with the answer or undefined when lost. */
  send(call: Call): Promise<Outcome | undefined> {
    this.total += 1;
    const t = this.tally(call.kind);
    const started = performance.now();
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = { ...(call.headers ?? {}) };
      if (call.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(call.body);
      }
      let settled = false;
      const lost = (why: string): void => {
        if (settled) return;
        settled = true;
        t.lost += 1;
        t.note(`${call.method} ${call.path.slice(0, 120)}: ${why} after ${Math.round(performance.now() - started)} ms`);
        resolve(undefined);
      };
      const req = http.request(`${this.server.url}${call.path}`, { method: call.method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => lost(e.message));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) {
            lost('body cut');
            return;
          }
          settled = true;
          const now = performance.now();
          if (now - this.lastDone > this.longestGap.ms) this.longestGap = { ms: now - this.lastDone, atS: (this.lastDone - this.started) / 1000 };
          this.lastDone = now;
          const ms = now - started;
          t.latencies.push(ms);
          if (ms > SLOW_MS) t.slow += 1;
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 500) t.fivexx += 1;
          if (!call.ok.includes(status)) {
            t.unexpected += 1;
            t.note(`${call.method} ${call.path.slice(0, 120)}: HTTP ${status} ${text.slice(0, 200)}`);
          }
          resolve({ status, text, headers: res.headers });
        });
      });
      req.setTimeout(CLIENT_TIMEOUT_MS, () => {
        lost(`no answer within ${CLIENT_TIMEOUT_MS} ms`);
        req.destroy();
      });
      req.on('error', (e) => lost(e.message));
      req.end(call.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The fixed inputs of the mix: patient ids of the default cohort, small cohorts to export. */
interface Fixture {
  readonly patientIds: readonly string[];
  readonly exportCohorts: readonly string[];
}

const get = (kind: string, path: string, ok: readonly number[] = [200]): Call => ({ kind, method: 'GET', path, ok });
const post = (kind: string, path: string, body: unknown, ok: readonly number[] = [200]): Call => ({ kind, method: 'POST', path, body: JSON.stringify(body), ok });
const gql = (query: string): unknown => ({ query });

/**
 * The mix, one step per counter value: weights by repetition in `deck`, spread by a stride coprime
 * with its length (deterministic; no Math.random). A step is one call, or a little flow (export).
 */
function mixOf(fx: Fixture): { deck: readonly string[]; step: (kind: string, i: number, soak: Soak) => Promise<void> } {
  const pid = (i: number): string => fx.patientIds[(i * 7919) % fx.patientIds.length] ?? fx.patientIds[0] ?? '';
  const calls: Record<string, { weight: number; call: (i: number) => Call }> = {
    'read Patient': { weight: 14, call: (i) => get('read Patient', `/fhir/Patient/${pid(i)}`) },
    'read Observation': { weight: 6, call: (i) => get('read Observation', `/fhir/Observation/${pid(i)}-o${i % 5}`, [200, 404]) },
    'search Patient': { weight: 4, call: (i) => get('search Patient', `/fhir/Patient?gender=${i % 2 === 0 ? 'female' : 'male'}&birthdate=ge${1940 + (i % 40)}&_count=50`) },
    'search Observation code+value': { weight: 4, call: (i) => get('search Observation code+value', `/fhir/Observation?code=http://loinc.org|4548-4&value-quantity=gt${6 + (i % 4)}&_count=20`) },
    'search by subject': { weight: 6, call: (i) => get('search by subject', `/fhir/Observation?subject=Patient/${pid(i)}&_sort=-date&_count=20`) },
    'search Condition': { weight: 2, call: () => get('search Condition', '/fhir/Condition?code=http://snomed.info/sct|44054006&_count=20') },
    'search Encounter _include': { weight: 2, call: (i) => get('search Encounter _include', `/fhir/Encounter?_count=20&_offset=${(i % 10) * 20}&_include=Encounter:subject`) },
    'search chain': { weight: 2, call: () => get('search chain', '/fhir/Observation?subject:Patient.gender=female&code=4548-4&_count=10') },
    $everything: { weight: 6, call: (i) => get('$everything', `/fhir/Patient/${pid(i)}/$everything?_count=50`) },
    'GraphQL /fhir/$graphql': {
      weight: 5,
      call: (i) =>
        post('GraphQL /fhir/$graphql', '/fhir/$graphql', gql(`{ Patient(id: "${pid(i)}") { id birthDate ObservationList(_reference: subject, _sort: "-date", _count: 5) { code { text } valueQuantity { value } } ConditionList(_reference: subject) { code { text } } } }`)),
    },
    'GraphQL /fhir/$graphql list': { weight: 2, call: (i) => post('GraphQL /fhir/$graphql list', '/fhir/$graphql', gql(`{ PatientList(gender: "female", _count: 10, _offset: ${(i % 20) * 10}) { id birthDate } }`)) },
    'GraphQL /graphql': {
      weight: 3,
      call: (i) =>
        post('GraphQL /graphql', '/graphql', gql(`{ support(where: {sex: "female", age_years: {gte: ${30 + (i % 30)}}}) { probability } sample(where: {diabetes_dx: "yes"}, n: 5, seed: ${i % 50}) }`)),
    },
    'POST /cohorts': { weight: 2, call: (i) => post('POST /cohorts', '/cohorts', { size: 200, seed: 1 + (i % 40), where: { sex: 'female', age_years: { gte: 40 } } }, [200, 201]) },
    'POST /cohorts balanced': { weight: 1, call: (i) => post('POST /cohorts balanced', '/cohorts', { size: 300, seed: 1 + (i % 10), balance: { by: ['race_ethnicity', 'sex'] } }, [200, 201]) },
    'Group/$cohort': { weight: 1, call: (i) => get('Group/$cohort', `/fhir/Group/$cohort?size=200&seed=${1 + (i % 20)}&where=${encodeURIComponent('{"sex":"male"}')}`) },
    metadata: { weight: 1, call: () => get('metadata', '/fhir/metadata') },
  };
  const deck: string[] = [];
  for (const [kind, { weight }] of Object.entries(calls)) for (let w = 0; w < weight; w++) deck.push(kind);
  // The export flow: kick-off (idempotent: the same few jobs), status until 200, one file.
  deck.push('export', 'export');
  const step = async (kind: string, i: number, soak: Soak): Promise<void> => {
    const entry = calls[kind];
    if (entry !== undefined) {
      await soak.send(entry.call(i));
      return;
    }
    const cohort = fx.exportCohorts[i % fx.exportCohorts.length] ?? '';
    const kick = await soak.send({ ...get('export kick-off', `/fhir/Group/${cohort}/$export`, [202]), headers: { prefer: 'respond-async' } });
    const status = String(kick?.headers['content-location'] ?? '').replace(/^https?:\/\/[^/]+/, '');
    if (status === '') return;
    let manifest: Outcome | undefined;
    for (let poll = 0; poll < 3; poll++) {
      manifest = await soak.send(get('export status', status, [200, 202]));
      if (manifest?.status !== 202) break;
    }
    if (manifest?.status !== 200) return;
    const output = (JSON.parse(manifest.text) as { output: { url: string }[] }).output;
    const file = output[i % output.length]?.url.replace(/^https?:\/\/[^/]+/, '');
    if (file !== undefined) await soak.send(get('export file', file));
  };
  return { deck, step };
}

/** Runs the mix from CONNECTIONS clients until `seconds` have passed. */
async function drive(soak: Soak, mix: ReturnType<typeof mixOf>, seconds: number, counter: { i: number }): Promise<void> {
  const end = performance.now() + seconds * 1000;
  // A stride coprime with the deck's length visits every entry, interleaving kinds.
  const stride = [7, 11, 13, 17, 19, 23].find((s) => mix.deck.length % s !== 0) ?? 1;
  const client = async (): Promise<void> => {
    while (performance.now() < end && soak.total < MAX_REQUESTS) {
      const i = counter.i++;
      await mix.step(mix.deck[(i * stride) % mix.deck.length] ?? 'metadata', i, soak);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, () => client()));
}

function summary(tallies: Map<string, Tally>): { requests: number; fivexx: number; unexpected: number; lost: number; slow: number; all: number[] } {
  const all: number[] = [];
  let fivexx = 0;
  let unexpected = 0;
  let lost = 0;
  let slow = 0;
  for (const t of tallies.values()) {
    all.push(...t.latencies);
    fivexx += t.fivexx;
    unexpected += t.unexpected;
    lost += t.lost;
    slow += t.slow;
  }
  all.sort((x, y) => x - y);
  return { requests: all.length + lost, fivexx, unexpected, lost, slow, all };
}

function printKinds(title: string, tallies: Map<string, Tally>): void {
  console.log(`\n${title}\n| kind | requests | p50 ms | p99 ms | max ms | > ${SLOW_MS / 1000} s | unexpected | 5xx | lost |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [kind, t] of [...tallies].sort((x, y) => x[0].localeCompare(y[0]))) {
    const l = [...t.latencies].sort((x, y) => x - y);
    console.log(
      `| ${kind} | ${l.length + t.lost} | ${Math.round(percentile(l, 50))} | ${Math.round(percentile(l, 99))} | ${Math.round(l[l.length - 1] ?? 0)} | ${t.slow} | ${t.unexpected} | ${t.fivexx} | ${t.lost} |`,
    );
    for (const e of t.examples) console.log(`|   ↳ ${e.replace(/\|/g, '\\|')} | | | | | | | | |`);
  }
}

async function soak(): Promise<{ row: string; ok: boolean }> {
  const server = await startServerProcess({ SYNTHFHIR_DEFAULT_COHORT_SIZE: String(DEFAULT_COHORT_SIZE) }, 60_000, [
    ...SERVER_NODE_OPTIONS,
    ...(TRACE_GC ? ['--trace-gc'] : []),
    '--expose-gc',
    '-r',
    join(__dirname, 'gc-on-signal.js'),
  ]);
  try {
    const rssBoot = server.rss();
    // The default cohort's search corpus is built in the background at start; an unscoped search
    // waits for it. Wait here, so the soak measures a server that is up, not one starting.
    const t0 = performance.now();
    await getText(`${server.url}/fhir/Observation?code=4548-4&_count=1`);
    const corpusS = (performance.now() - t0) / 1000;
    const page = JSON.parse(await getText(`${server.url}/fhir/Patient?_count=1000&_elements=id`)) as { entry: { resource: { id: string } }[] };
    const exportCohorts: string[] = [];
    for (const seed of [101, 102, 103]) {
      const body = JSON.stringify({ size: 20, seed });
      const r = await new Promise<string>((resolve, reject) => {
        const req = http.request(`${server.url}/cohorts`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString()));
          res.on('end', () => resolve(t));
        });
        req.on('error', reject);
        req.end(body);
      });
      exportCohorts.push((JSON.parse(r) as { id: string }).id);
    }
    const mix = mixOf({ patientIds: page.entry.map((e) => e.resource.id), exportCohorts });
    const counter = { i: 0 };

    const warm = new Soak(server);
    await drive(warm, mix, WARMUP_S, counter);
    warm.close();
    const rssWarm = server.rss();
    const keptWarm = await retained(server);
    const cpuWarm = cpuSecondsOf(server.proc.pid);

    const main = new Soak(server);
    const samples: { s: number; rss: number; heap: number }[] = [];
    const mainStart = performance.now();
    const sampler = setInterval(() => {
      const s = Math.round((performance.now() - mainStart) / 1000);
      const rss = server.rss();
      heapUsedOf(server).then(
        (heap) => samples.push({ s, rss, heap }),
        () => samples.push({ s, rss, heap: Number.NaN }),
      );
    }, 10_000);
    await drive(main, mix, SOAK_S, counter);
    clearInterval(sampler);
    main.close();
    const wallS = (performance.now() - mainStart) / 1000;
    const rssEnd = server.rss();
    const cpuS = cpuSecondsOf(server.proc.pid) - cpuWarm;
    const keptEnd = await retained(server);
    const metrics = await getText(`${server.url}/metrics`);

    const w = summary(warm.tallies);
    const m = summary(main.tallies);
    const growth = (keptEnd.rss - keptWarm.rss) / keptWarm.rss;
    const heapGrowth = (keptEnd.heap - keptWarm.heap) / keptWarm.heap;
    const rawGrowth = (rssEnd - rssWarm) / rssWarm;
    const maxRss = Math.max(rssEnd, ...samples.map((x) => x.rss));
    printKinds(`warm-up (${WARMUP_S} s)`, warm.tallies);
    printKinds(`soak (${SOAK_S} s)`, main.tallies);
    console.log(`\nRSS / heap used every 10 s: ${samples.map((x) => `${x.s}s ${mb(x.rss)}/${mb(x.heap)}`).join(', ')}`);
    console.log(`longest time with no response completing: warm-up ${Math.round(warm.longestGap.ms)} ms at ${warm.longestGap.atS.toFixed(0)} s, soak ${Math.round(main.longestGap.ms)} ms at ${main.longestGap.atS.toFixed(0)} s`);
    if (TRACE_GC) console.log(longestGcPauses(server.output()));
    console.log(`metrics at the end:\n${metrics.split('\n').filter((l) => /^(synthfhir_cache|process_resident|nodejs_heap)/.test(l)).join('\n')}`);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(
      `\nserver flags: ${SERVER_NODE_OPTIONS.join(' ') || '(V8 defaults)'}; soak ${SOAK_S} s after a ${WARMUP_S} s warm-up, ${CONNECTIONS} connections (client timeout ${CLIENT_TIMEOUT_MS} ms), load average at the end ${load}: ` +
        `${m.requests} requests (${Math.round(m.requests / wallS)} req/s; warm-up ${w.requests}), 5xx ${m.fivexx + w.fivexx}, unexpected status ${m.unexpected + w.unexpected}, lost ${m.lost + w.lost}, ` +
        `slower than ${SLOW_MS / 1000} s ${m.slow} (warm-up ${w.slow}); p50 ${Math.round(percentile(m.all, 50))} ms, p99 ${Math.round(percentile(m.all, 99))} ms, max ${Math.round(m.all[m.all.length - 1] ?? 0)} ms; ` +
        `server CPU ${cpuS.toFixed(0)} s over ${wallS.toFixed(0)} s (${((m.requests / cpuS) || 0).toFixed(0)} req per CPU-second); ` +
        `RSS at boot ${mb(rssBoot)}, corpus ready after ${corpusS.toFixed(1)} s; RSS after warm-up ${mb(rssWarm)}, at the end ${mb(rssEnd)} (${(rawGrowth * 100).toFixed(1)} %), max ${mb(maxRss)}; ` +
        `after a full GC: warm-up ${mb(keptWarm.rss)} (heap ${mb(keptWarm.heap)}), end ${mb(keptEnd.rss)} (heap ${mb(keptEnd.heap)}): RSS ${(growth * 100).toFixed(1)} %, heap ${(heapGrowth * 100).toFixed(1)} %`,
    );
    const strictRss = process.env.DRILLS_STRICT_RSS !== '0';
    const broken = m.fivexx + w.fivexx + m.unexpected + w.unexpected + m.lost + w.lost;
    // Judged on the raw RSS (what an operator sees) and on the heap retained after a full GC (a leak).
    const ok = broken === 0 && (!strictRss || (rawGrowth <= RSS_GROWTH_LIMIT && heapGrowth <= RSS_GROWTH_LIMIT));
    return {
      ok,
      row:
        `| soak ${SOAK_S / 60} min (+${WARMUP_S} s warm-up), ${CONNECTIONS} connections, mix incl. GraphQL, cohorts, exports | 0 errors, p99 reported, RSS within 10 % after warm-up | ` +
        `${m.requests + w.requests} | ${m.fivexx + w.fivexx} | ${m.lost + w.lost} lost, ${m.unexpected + w.unexpected} unexpected | ` +
        `${mb(rssWarm)} → ${mb(rssEnd)} (${(rawGrowth * 100).toFixed(1)} %), max ${mb(maxRss)}; heap after a full GC ${mb(keptWarm.heap)} → ${mb(keptEnd.heap)} (${(heapGrowth * 100).toFixed(1)} %) | ` +
        `${Math.round(percentile(m.all, 50))} / ${Math.round(percentile(m.all, 99))} ms |`,
    };
  } finally {
    server.kill();
    await server.exited;
  }
}

async function main(): Promise<number> {
  const build = spawnSync('npm', ['run', 'build'], { cwd: packageRoot(), stdio: 'inherit' });
  if (build.status !== 0) console.log('drills: the build reported errors; running what it emitted');
  const soakResult = await soak();
  console.log('\n| drill | promise | requests | 5xx | errors/lost | RSS after warm-up → end | p50 / p99 |');
  console.log('| --- | --- | ---: | ---: | ---: | --- | --- |');
  console.log(soakResult.row);
  if (process.env.DRILLS_SKIP_JEST === '1') return soakResult.ok ? 0 : 1;
  const jest = spawnSync('npx', ['jest', 'test/drills', '--runInBand'], {
    cwd: packageRoot(),
    stdio: 'inherit',
    env: { ...process.env, DRILLS_SCALE: process.env.DRILLS_SCALE ?? '10' },
  });
  return soakResult.ok && jest.status === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
