/**
 * Drill: a replica SIGKILLed mid-export. Two server processes (A, B) share one redis-server of the
 * drill's own, behind one public base URL. The client kicks off a Group export on A, downloads the
 * first partitions from A, and is halfway through the next file when A is killed (-9); it fetches
 * that file again, and every remaining one, from B. The promise: the cut download is visibly
 * incomplete (never mistaken for a whole file), and the concatenated output per type is
 * byte-identical to an uninterrupted export of the same cohort by a third, independent process
 * (memory store, nothing shared).
 */
import http from 'node:http';

import { builtCli } from '../support/built-cli';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { send, startServerProcess } from '../../bench/drill-support';
import type { ServerProcess } from '../../bench/drill-support';

const PUBLIC_BASE = 'http://lb.test/fhir';
const PER_FILE = 10;
const COHORT = { size: 40, seed: 21, where: { age_years: { gte: 50 } } };

let redis: RedisServer | undefined;
const servers: ServerProcess[] = [];

beforeAll(() => {
  builtCli();
}, 300_000);
afterAll(async () => {
  for (const s of servers) {
    s.kill();
    await s.exited;
  }
  await redis?.dispose();
});

async function replica(env: Record<string, string>): Promise<ServerProcess> {
  const s = await startServerProcess({ SYNTHFHIR_DEFAULT_COHORT_SIZE: '20', SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: String(PER_FILE), SYNTHFHIR_BASE_URL: PUBLIC_BASE, ...env });
  servers.push(s);
  return s;
}

const on = (s: ServerProcess, url: string): string => `${s.url}/fhir${url.slice(PUBLIC_BASE.length)}`;

async function ok(s: ServerProcess, url: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await send('GET', on(s, url), { headers });
  if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.text;
}

/** Kicks off the cohort's export and polls it to its manifest. */
async function exportManifest(s: ServerProcess, cohortId: string): Promise<{ type: string; url: string }[]> {
  const kick = await send('GET', `${s.url}/fhir/Group/${cohortId}/$export`, { headers: { prefer: 'respond-async' } });
  expect(kick.status).toBe(202);
  const status = String(kick.headers['content-location']);
  expect((await send('GET', on(s, status))).status).toBe(202);
  return (JSON.parse(await ok(s, status)) as { output: { type: string; url: string }[] }).output;
}

/** Concatenated NDJSON per type, in manifest order. */
function byType(files: readonly { type: string; text: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) out.set(f.type, (out.get(f.type) ?? '') + f.text);
  return out;
}

it('A killed (-9) halfway through a file: the cut is visible, B serves the rest, the output equals an uninterrupted export', async () => {
  redis = await startRedisServer();
  const [a, b, reference] = await Promise.all([
    replica({ REDIS_URL: redis.url, REDIS_PREFIX: 'replica-kill:' }),
    replica({ REDIS_URL: redis.url, REDIS_PREFIX: 'replica-kill:' }),
    replica({}),
  ]);
  const created = await send('POST', `${a.url}/cohorts`, { body: JSON.stringify(COHORT) });
  expect(created.status).toBe(201);
  const cohortId = (JSON.parse(created.text) as { id: string }).id;
  const output = await exportManifest(a, cohortId);
  expect(output).toHaveLength((COHORT.size / PER_FILE) * 5);

  // Partitions 0 and 1 from A, whole.
  const done: { type: string; text: string }[] = [];
  for (const o of output.slice(0, 10)) done.push({ type: o.type, text: await ok(a, o.url) });

  // The first file of partition 2 (its Observations, the largest) from A, killed after the first bytes.
  const cut = output[10];
  expect(cut.type).toBe('Observation');
  const partial = await new Promise<{ bytes: number; complete: boolean; error?: string }>((resolve) => {
    let bytes = 0;
    let killed = false;
    const req = http.get(on(a, cut.url), { agent: false }, (res) => {
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (!killed) {
          killed = true;
          a.proc.kill('SIGKILL');
        }
      });
      res.on('end', () => resolve({ bytes, complete: res.complete }));
      res.on('error', (e) => resolve({ bytes, complete: false, error: e.message }));
      res.on('aborted', () => resolve({ bytes, complete: false, error: 'aborted' }));
    });
    req.on('error', (e) => resolve({ bytes, complete: false, error: e.message }));
  });
  expect((await a.exited).signal).toBe('SIGKILL');
  expect(partial.bytes).toBeGreaterThan(0);
  // The cut is visible to the client: the chunked body never ended.
  expect(partial.complete).toBe(false);

  // The rest, the cut file again included, from B.
  for (const o of output.slice(10)) done.push({ type: o.type, text: await ok(b, o.url) });
  expect(partial.bytes).toBeLessThan(done[10].text.length);
  process.stdout.write(`replica kill drill: ${output.length} files; A served 10 whole and ${partial.bytes} of ${done[10].text.length} bytes of the 11th (${partial.error ?? 'no error'}); B served ${output.length - 10}\n`);

  // An uninterrupted export of the same cohort by an independent process (memory store).
  const again = await send('POST', `${reference.url}/cohorts`, { body: JSON.stringify(COHORT) });
  expect((JSON.parse(again.text) as { id: string }).id).toBe(cohortId);
  const refOutput = await exportManifest(reference, cohortId);
  expect(refOutput).toEqual(output);
  const whole: { type: string; text: string }[] = [];
  for (const o of refOutput) whole.push({ type: o.type, text: await ok(reference, o.url) });

  const got = byType(done);
  const want = byType(whole);
  expect([...got.keys()].sort()).toEqual(['Condition', 'Encounter', 'MedicationRequest', 'Observation', 'Patient']);
  for (const [type, text] of want) expect({ type, identical: got.get(type) === text, bytes: got.get(type)?.length }).toEqual({ type, identical: true, bytes: text.length });
  expect((got.get('Patient') ?? '').split('\n').filter((l) => l !== '')).toHaveLength(COHORT.size);
}, 300_000);
