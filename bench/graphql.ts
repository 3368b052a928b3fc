/**
 * GraphQL benchmark (issue 10 §5): synthfhir in a child process, load from autocannon here.
 *  - "one patient + their 20 most recent observations + their conditions": one POST /fhir/$graphql
 *    vs the equivalent REST calls (Patient read, Observation?subject&_sort=-date&_count=20,
 *    Condition?subject) — REST figures are REST req/s ÷ 3 (one answer needs three requests);
 *  - "20 patients, each with their latest HbA1c": one GraphQL request vs 1 + 20 REST requests.
 * Goals: GraphQL ≥ 1,000 req/s on the first query, and ≥ 0.8× its REST equivalent.
 * Prints figures; asserts nothing. Run alone: `npx tsc -p tsconfig.bench.json && node dist-bench/bench/graphql.js`.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { join } from 'node:path';

import autocannon from 'autocannon';

import type { ChildReady } from './http-server';

const DURATION_S = 8;
const CONNECTIONS = 10;
const PATIENTS_CYCLED = 200;

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

function startChild(): Promise<{ child: ChildProcess; ready: ChildReady }> {
  const child = fork(join(__dirname, 'http-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, ready: m as ChildReady }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${String(code)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

type Req = autocannon.Request;

async function load(url: string, requests: readonly Req[]): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests: [...requests] });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`bench: ${result.non2xx} non-2xx, ${result.errors} errors at ${requests[0].path}`);
  return result.requests.average;
}

const gqlRequest = (query: string): Req => ({
  method: 'POST',
  path: '/fhir/$graphql',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query }),
});

const PATIENT_FIELDS = 'id gender birthDate name { given family }';
const OBS_FIELDS = 'id status code { coding { system code display } } effectiveDateTime valueQuantity { value unit }';
const COND_FIELDS = 'id code { coding { system code display } } clinicalStatus { coding { code } } onsetDateTime';

async function post(url: string, body: Req): Promise<unknown> {
  const r = await fetch(url + body.path, { method: 'POST', headers: body.headers as Record<string, string>, body: body.body as string });
  const json = (await r.json()) as { errors?: unknown };
  if (!r.ok || json.errors !== undefined) throw new Error(`bench: ${r.status} ${JSON.stringify(json.errors)}`);
  return json;
}

async function main(): Promise<void> {
  const app = await startChild();
  try {
    const url = app.ready.url;
    const cohort = app.ready.defaultCohortId!;
    const ids = Array.from({ length: PATIENTS_CYCLED }, (_, i) => `${cohort}-${(i * 37) % 1000}`);
    // Warm: the default cohort's corpus, and every patient of the run.
    await fetch(`${url}/fhir/Observation?code=4548-4&_count=1`);

    const summary = ids.map((id) =>
      gqlRequest(`{ Patient(id: "${id}") { ${PATIENT_FIELDS}
        ObservationList(_reference: subject, _sort: "-date", _count: 20) { ${OBS_FIELDS} }
        ConditionList(_reference: subject) { ${COND_FIELDS} } } }`),
    );
    for (const r of summary) await post(url, r);
    const summaryRest: Req[] = ids.flatMap((id): Req[] => [
      { method: 'GET', path: `/fhir/Patient/${id}` },
      { method: 'GET', path: `/fhir/Observation?subject=Patient/${id}&_sort=-date&_count=20` },
      { method: 'GET', path: `/fhir/Condition?subject=Patient/${id}` },
    ]);
    const offsets = Array.from({ length: 20 }, (_, i) => i * 20);
    const listGql = offsets.map((o) =>
      gqlRequest(`{ PatientList(_count: 20, _offset: ${o}) { ${PATIENT_FIELDS}
        ObservationList(_reference: subject, code: "4548-4", _sort: "-date", _count: 1) { effectiveDateTime valueQuantity { value unit } } } }`),
    );
    for (const r of listGql) await post(url, r);
    const listRest: Req[] = offsets.flatMap((o): Req[] => [
      { method: 'GET', path: `/fhir/Patient?_count=20&_offset=${o}` },
      ...Array.from({ length: 20 }, (_, k): Req => ({
        method: 'GET',
        path: `/fhir/Observation?subject=Patient/${cohort}-${o + k}&code=4548-4&_sort=-date&_count=1`,
      })),
    ]);

    const gql1 = await load(url, summary);
    const rest1 = (await load(url, summaryRest)) / 3;
    const gql2 = await load(url, listGql);
    const rest2 = (await load(url, listRest)) / 21;
    console.log('GraphQL bench (synthfhir child process, autocannon here; %d s per run, %d connections)', DURATION_S, CONNECTIONS);
    console.log(`  patient + 20 latest obs + conditions   GraphQL ${round(gql1, 0)} req/s; REST (3 calls) ${round(rest1, 0)} answers/s; ratio ${round(gql1 / rest1, 2)} (goals ≥ 1,000 req/s, ≥ 0.8)`);
    console.log(`  20 patients + latest HbA1c each        GraphQL ${round(gql2, 0)} req/s; REST (21 calls) ${round(rest2, 0)} answers/s; ratio ${round(gql2 / rest2, 2)}`);
  } finally {
    await stop(app.child);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
