/**
 * Drill: Redis with append-only persistence (`appendonly yes`, `appendfsync always`, a temp dir)
 * SIGKILLed and restarted. Cohorts (REST, FHIR Group/$cohort, GraphQL, one balanced) and export
 * jobs (planned and not yet planned) are registered through one server process; Redis is killed
 * without a shutdown save, and so is that process; Redis replays its append-only file and a fresh
 * process (nothing cached) answers. The promise: every cohort and job is there with the same id,
 * and serves the same bytes — Group, the REST view, profiles.csv, the export manifest and every
 * NDJSON file.
 */
import { builtCli } from '../support/built-cli';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { send, startServerProcess } from '../../bench/drill-support';
import type { Answer, ServerProcess } from '../../bench/drill-support';

/** Both processes answer as the same public base (as behind a load balancer), so links compare byte for byte. */
const PUBLIC_BASE = 'http://lb.test/fhir';

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

async function replica(url: string): Promise<ServerProcess> {
  const s = await startServerProcess({
    REDIS_URL: url,
    REDIS_PREFIX: 'aof:',
    SYNTHFHIR_DEFAULT_COHORT_SIZE: '20',
    SYNTHFHIR_EXPORT_PATIENTS_PER_FILE: '10',
    SYNTHFHIR_BASE_URL: PUBLIC_BASE,
  });
  servers.push(s);
  return s;
}

/** Everything a client can see of the registered state, by label. */
async function snapshot(s: ServerProcess, cohortIds: readonly string[], statusUrls: readonly string[]): Promise<Map<string, string>> {
  const local = (url: string): string => `${s.url}${url.startsWith(PUBLIC_BASE) ? `/fhir${url.slice(PUBLIC_BASE.length)}` : url}`;
  const text = async (path: string): Promise<string> => {
    const r: Answer = await send('GET', local(path));
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    // The REST view derives its own links from the request: compare them without the process's origin.
    return r.text.split(s.url).join('<origin>');
  };
  const out = new Map<string, string>();
  for (const id of cohortIds) {
    out.set(`Group/${id}`, await text(`/fhir/Group/${id}`));
    out.set(`/cohorts/${id}`, await text(`/cohorts/${id}`));
    out.set(`/cohorts/${id}/profiles.csv`, await text(`/cohorts/${id}/profiles.csv`));
  }
  out.set('/cohorts', await text('/cohorts?count=100'));
  for (const status of statusUrls) {
    const manifest = await text(status);
    out.set(status, manifest);
    for (const o of (JSON.parse(manifest) as { output: { url: string }[] }).output) out.set(o.url, await text(o.url));
  }
  return out;
}

it('SIGKILL and restart with appendfsync always: every cohort and export job is there, same ids, same bytes', async () => {
  redis = await startRedisServer();
  const a = await replica(redis.url);
  const post = (path: string, body: unknown): Promise<Answer> => send('POST', `${a.url}${path}`, { body: JSON.stringify(body) });
  const ids: string[] = [];
  const rest = await post('/cohorts', { size: 25, seed: 11, where: { sex: 'female', age_years: { gte: 40 } }, name: 'aof women' });
  expect(rest.status).toBe(201);
  ids.push((JSON.parse(rest.text) as { id: string }).id);
  const balanced = await post('/cohorts', { size: 24, seed: 12, balance: { by: ['sex'], target: 'uniform' } });
  expect(balanced.status).toBe(201);
  ids.push((JSON.parse(balanced.text) as { id: string }).id);
  const group = await send('GET', `${a.url}/fhir/Group/$cohort?size=15&seed=13`);
  expect(group.status).toBe(200);
  ids.push((JSON.parse(group.text) as { id: string }).id);
  const gql = await post('/graphql', { query: 'mutation { createCohort(spec: {size: 12, seed: 14}) { id } }' });
  ids.push((JSON.parse(gql.text) as { data: { createCohort: { id: string } } }).data.createCohort.id);
  expect(new Set(ids).size).toBe(4);

  const kickOff = async (path: string): Promise<string> => {
    const r = await send('GET', `${a.url}${path}`, { headers: { prefer: 'respond-async' } });
    expect(r.status).toBe(202);
    return String(r.headers['content-location']);
  };
  // Planned (polled to its manifest) before the crash: two jobs.
  const planned = [await kickOff(`/fhir/Group/${ids[0]}/$export`), await kickOff(`/fhir/Group/${ids[1]}/$export?_type=Patient,Condition`)];
  for (const status of planned) {
    const local = `${a.url}/fhir${status.slice(PUBLIC_BASE.length)}`;
    expect((await send('GET', local)).status).toBe(202);
    expect((await send('GET', local)).status).toBe(200);
  }
  // Accepted, never polled: planned after the restart, by the other process.
  const accepted = await kickOff(`/fhir/Group/${ids[2]}/$export?_type=Patient`);
  const before = await snapshot(a, ids, planned);

  // The crash: Redis without a shutdown save, and the process that wrote everything.
  await redis.kill('SIGKILL');
  a.kill();
  await a.exited;
  await redis.start();
  const b = await replica(redis.url);

  const after = await snapshot(b, ids, planned);
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [label, bytes] of before) expect({ label, same: after.get(label) === bytes }).toEqual({ label, same: true });
  // 4 cohorts × 3 views + the listing + 2 manifests + 15 + 6 files.
  expect(before.size).toBe(4 * 3 + 1 + 2 + 15 + 6);
  const listed = (JSON.parse(after.get('/cohorts') ?? '{}') as { cohorts?: { id: string }[]; items?: { id: string }[] });
  expect(JSON.stringify(listed)).toContain(ids[3]);
  const acceptedLocal = `${b.url}/fhir${accepted.slice(PUBLIC_BASE.length)}`;
  expect((await send('GET', acceptedLocal)).status).toBe(202);
  const manifest = await send('GET', acceptedLocal);
  expect(manifest.status).toBe(200);
  expect((JSON.parse(manifest.text) as { output: unknown[] }).output).toHaveLength(2);
}, 240_000);
