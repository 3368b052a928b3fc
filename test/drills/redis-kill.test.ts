/**
 * Drill: Redis killed (SIGKILL) under mixed load, then restarted. A real server process
 * (`node dist/server.js`) with its own redis-server (random port, append-only file in a temp dir)
 * serves reads, searches, $everything, both GraphQL endpoints, a cohort's FHIR base, the REST
 * cohort API and a running Bulk Data export from 6 clients while Redis dies and comes back.
 * The promise:
 *  - zero 5xx, and no request lost, for everything that needs no registry write;
 *  - /healthz says `degraded` (HTTP 200) during the outage and `ok` after;
 *  - registry writes during the outage (POST /cohorts, Group/$cohort, $export kick-off, GraphQL
 *    createCohort) are refused with 503 SERVICE_UNAVAILABLE (OperationOutcome over FHIR, a problem
 *    object on /cohorts, a coded GraphQL error), never lost silently: after the restart the same
 *    writes succeed;
 *  - page links and export files fetched before, during and after the outage are the same bytes.
 */
import { builtCli } from '../support/built-cli';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { send, startServerProcess, waitUntil } from '../../bench/drill-support';
import type { Answer, ServerProcess } from '../../bench/drill-support';

const WORKERS = 6;
/** Upper bound on load requests (the drill is bounded in requests as well as time). */
const MAX_LOAD_REQUESTS = 4000;

let redis: RedisServer | undefined;
let server: ServerProcess | undefined;

beforeAll(() => {
  builtCli();
}, 300_000);
afterAll(async () => {
  server?.kill();
  if (server !== undefined) await server.exited;
  await redis?.dispose();
});

interface Step {
  readonly label: string;
  readonly run: () => Promise<Answer>;
}

it('Redis SIGKILLed under load: no 5xx for what needs no registry write, degraded then ok, writes refused with 503 then accepted, same bytes after', async () => {
  redis = await startRedisServer();
  server = await startServerProcess({
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'drill:',
    SYNTHFHIR_DEFAULT_COHORT_SIZE: '60',
    SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: '10',
  });
  const base = server.url;
  const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> => send('GET', `${base}${path}`, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    send('POST', `${base}${path}`, { body: JSON.stringify(body), headers });

  // ---- before: a cohort, a paged search on its base, a running export -------------------------
  const created = await post('/cohorts', { size: 30, seed: 5, where: { sex: 'female' } });
  expect(created.status).toBe(201);
  const cohortId = (JSON.parse(created.text) as { id: string }).id;
  const groupBefore = (await get(`/fhir/Group/${cohortId}`)).text;
  const firstPage = JSON.parse((await get(`/fhir/cohort/${cohortId}/Patient?_count=7&_sort=birthdate`)).text) as { link: { relation: string; url: string }[] };
  const nextUrl = firstPage.link.find((l) => l.relation === 'next')?.url ?? '';
  expect(nextUrl).toContain(`/fhir/cohort/${cohortId}/Patient?`);
  const nextPath = nextUrl.slice(nextUrl.indexOf('/fhir/'));
  const pageBefore = (await get(nextPath)).text;
  const kick = await get(`/fhir/Group/${cohortId}/$export`, { prefer: 'respond-async' });
  expect(kick.status).toBe(202);
  const statusPath = String(kick.headers['content-location']).replace(/^https?:\/\/[^/]+/, '');
  expect((await get(statusPath)).status).toBe(202);
  const manifest = await get(statusPath);
  expect(manifest.status).toBe(200);
  const files = (JSON.parse(manifest.text) as { output: { url: string }[] }).output.map((o) => o.url.replace(/^https?:\/\/[^/]+/, ''));
  expect(files).toHaveLength(15);
  const fileBytes = new Map<string, string>();
  for (const f of files.slice(0, 5)) fileBytes.set(f, (await get(f)).text);
  const pid = `${/"id":"([^"]+-3)"/.exec((await get('/fhir/Patient?_count=5')).text)?.[1]}`;
  expect((await get('/healthz')).text).toContain('"status":"ok"');

  // ---- the load: nothing in it writes to the registry -------------------------------------------
  const gql = (path: string, query: string): Step => ({ label: `POST ${path} ${query}`, run: () => post(path, { query }) });
  const mix: Step[] = [
    { label: 'read', run: () => get(`/fhir/Patient/${pid}`) },
    { label: 'search', run: () => get('/fhir/Patient?gender=female&_count=10') },
    { label: 'search by subject', run: () => get(`/fhir/Observation?subject=Patient/${pid}&_count=20&_sort=-date`) },
    { label: '$everything', run: () => get(`/fhir/Patient/${pid}/$everything?_count=50`) },
    gql('/fhir/$graphql', '{ PatientList(_count: 3) { id gender ConditionList(_reference: subject) { id } } }'),
    gql('/graphql', `{ model { hash } cohort(id: "${cohortId}") { id size } }`),
    { label: 'Group read', run: () => get(`/fhir/Group/${cohortId}`) },
    { label: 'cohort base search', run: () => get(`/fhir/cohort/${cohortId}/Patient?_count=5`) },
    { label: 'page link', run: () => get(nextPath) },
    { label: 'GET /cohorts/<id>', run: () => get(`/cohorts/${cohortId}`) },
    { label: 'profiles.csv', run: () => get(`/cohorts/${cohortId}/profiles.csv`) },
    { label: 'export status', run: () => get(statusPath) },
    ...files.map((f): Step => ({ label: `export file ${f}`, run: () => get(f) })),
  ];
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  let stop = false;
  const seenFile = (path: string, text: string): void => {
    const had = fileBytes.get(path);
    if (had === undefined) fileBytes.set(path, text);
    else if (had !== text) failures.push(`${path}: different bytes from an earlier fetch`);
  };
  const worker = async (w: number): Promise<void> => {
    for (let i = w; !stop && sent < MAX_LOAD_REQUESTS; i += WORKERS) {
      const step = mix[i % mix.length];
      sent += 1;
      try {
        const r = await step.run();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status !== 200) failures.push(`${step.label}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
        else if (step.label.startsWith('export file ')) seenFile(step.label.slice('export file '.length), r.text);
        else if (step.label === 'page link' && r.text !== pageBefore) failures.push('page link: different bytes');
        else if (step.label.startsWith('POST') && r.text.includes('"errors"')) failures.push(`${step.label}: ${r.text.slice(0, 300)}`);
      } catch (e) {
        failures.push(`${step.label}: lost (${String(e)})`);
      }
    }
  };
  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await new Promise((r) => setTimeout(r, 1500));

  // ---- the outage --------------------------------------------------------------------------------
  const sentAtKill = sent;
  await redis.kill('SIGKILL');
  await waitUntil(async () => (JSON.parse((await get('/healthz')).text) as { status: string }).status === 'degraded', '/healthz to say degraded', 20_000);
  const health = await get('/healthz');
  expect(health.status).toBe(200);

  const spec = { size: 7, seed: 901 };
  const refusedRest = await post('/cohorts', spec);
  const refusedGroup = await get('/fhir/Group/$cohort?size=7&seed=902');
  const refusedExport = await get(`/fhir/Group/${cohortId}/$export?_type=Patient`, { prefer: 'respond-async' });
  const mutation = 'mutation { createCohort(spec: {size: 7, seed: 903}) { id } }';
  const refusedGraphql = await post('/graphql', { query: mutation });
  // Let the load run on through the outage.
  await new Promise((r) => setTimeout(r, 3000));
  const sentInOutage = sent - sentAtKill;

  await redis.start();
  await waitUntil(async () => (JSON.parse((await get('/healthz')).text) as { status: string }).status === 'ok', '/healthz to say ok again', 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  stop = true;
  await load;

  // ---- the promise ----------------------------------------------------------------------------------
  process.stdout.write(
    `redis kill drill: ${sent} load requests (${sentInOutage} during the outage), statuses ${JSON.stringify(Object.fromEntries(statuses))}, failures ${failures.length}\n`,
  );
  expect(failures).toEqual([]);
  expect(sentInOutage).toBeGreaterThan(WORKERS);

  expect(refusedRest.status).toBe(503);
  expect(refusedRest.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(refusedRest.text)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  for (const r of [refusedGroup, refusedExport]) {
    expect(r.status).toBe(503);
    const outcome = JSON.parse(r.text) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0].code).toBe('transient');
    expect(outcome.issue[0].diagnostics).toMatch(/shared store is not answering/);
  }
  expect((JSON.parse(refusedGraphql.text) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');

  // After the restart: the refused writes go through, and nothing registered before was lost.
  expect((await post('/cohorts', spec)).status).toBe(201);
  expect((await get('/fhir/Group/$cohort?size=7&seed=902')).status).toBe(200);
  expect((await get(`/fhir/Group/${cohortId}/$export?_type=Patient`, { prefer: 'respond-async' })).status).toBe(202);
  expect((JSON.parse((await post('/graphql', { query: mutation })).text) as { data: { createCohort: { id: string } } }).data.createCohort.id).toHaveLength(16);
  expect((await get(`/fhir/Group/${cohortId}`)).text).toBe(groupBefore);
  expect((await get(nextPath)).text).toBe(pageBefore);
  expect((await get(statusPath)).text).toBe(manifest.text);
  for (const f of files) {
    const r = await get(f);
    expect(r.status).toBe(200);
    seenFile(f, r.text);
  }
  expect(failures).toEqual([]);
  expect(fileBytes.size).toBe(15);
}, 240_000);
