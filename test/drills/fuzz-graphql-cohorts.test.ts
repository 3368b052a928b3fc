/**
 * Fuzzing drill, second half: GraphQL (both endpoints; generated queries over the real schema's
 * fields with fuzzed arguments and variables, and broken documents) and cohort specs (POST /cohorts
 * JSON with `where` and `balance`, the GraphQL createCohort mutation). The promise, for every input:
 * no 5xx, no crash; an error names the problem — a problem object with a catalogue code and a
 * detail on /cohorts, a GraphQL error with `extensions.code` and a message on GraphQL — and no stack
 * trace or file path anywhere. Plus the limits these fronts have: body size, cohort size, GraphQL
 * depth/cost (named in the 4xx). Fixed seed; `npm run drills` runs DRILLS_SCALE times more.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';

import type { App } from '../../src/app';
import { createHardenedServer } from '../../src/app';
import { testConfig } from '../support/config';
import { FUZZ_SEED, fuzzRuns, INTERNALS } from '../support/drills';
import { createStubApp } from '../support/stub-app';
import type { MemoryLogger } from '../support/stub-app';

const MAX_BODY_BYTES = 64 * 1024;
let a: App & { logger: MemoryLogger };
let server: http.Server;
let port: number;

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
}

function post(path: string, body: string, contentType = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), contentType: String(res.headers['content-type'] ?? '') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  a = await createStubApp({ defaultCohortSize: 20, maxBodyBytes: MAX_BODY_BYTES });
  server = createHardenedServer(a.app, testConfig()).server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await a.close();
});

/** Why a GraphQL answer breaks the promise (undefined: it keeps it). */
function graphqlBroken(r: Reply): string | undefined {
  if (r.status >= 500) return `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
  if (INTERNALS.test(r.text)) return `internals leaked: ${r.text.slice(0, 300)}`;
  let body: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[]; resourceType?: string; issue?: { diagnostics?: unknown }[] };
  try {
    body = JSON.parse(r.text) as typeof body;
  } catch {
    return `HTTP ${r.status} body is not JSON: ${r.text.slice(0, 200)}`;
  }
  // Refused before GraphQL (body too large, not JSON): the HTTP front's OperationOutcome.
  if (body.resourceType === 'OperationOutcome') return typeof body.issue?.[0]?.diagnostics === 'string' && r.status >= 400 ? undefined : 'OperationOutcome without diagnostics';
  const errors = body.errors ?? [];
  if (r.status >= 400 && errors.length === 0) return `HTTP ${r.status} without errors`;
  for (const e of errors) {
    if (typeof e.message !== 'string' || e.message.trim() === '') return `an error without a message: ${JSON.stringify(e)}`;
    if (typeof e.extensions?.code !== 'string') return `an error without extensions.code: ${JSON.stringify(e)}`;
    if (e.extensions.code === 'INTERNAL') return `INTERNAL: ${JSON.stringify(e)}`;
  }
  return undefined;
}

/** Why a /cohorts answer breaks the promise: errors are problem objects with a code and a detail. */
function problemBroken(r: Reply): string | undefined {
  if (r.status >= 500) return `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
  if (INTERNALS.test(r.text)) return `internals leaked: ${r.text.slice(0, 300)}`;
  if (r.status < 400) return undefined;
  if (!r.contentType.startsWith('application/problem+json')) return `HTTP ${r.status} as ${r.contentType}: ${r.text.slice(0, 200)}`;
  const p = JSON.parse(r.text) as { code?: unknown; detail?: unknown; status?: unknown };
  if (typeof p.code !== 'string' || typeof p.detail !== 'string' || p.detail.trim() === '' || p.status !== r.status) return `problem without code/detail: ${r.text.slice(0, 300)}`;
  return undefined;
}

// ---- arbitraries -----------------------------------------------------------------------------

const nasty = fc.oneof(
  fc.constantFrom('', ' ', '%', '\u0000', '"', '\\', '{', '}', '<script>alert(1)</script>', 'null', '-1', '1e309', 'NaN', '😀', '__proto__', 'constructor'),
  fc.string({ maxLength: 20 }),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const number = fc.oneof(fc.integer({ min: -3, max: 30 }), fc.constantFrom(0, -1, 1.5, 1e12, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER, 10_000_000, 10_000_001));
const whereValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('female', 'male', 'none', 40, -1, null, true, [], ['female', 'male'], { gte: 40, lte: 65 }, { gte: 65, lte: 40 }, { missing: true }, { lt: 'x' }),
  anyJson,
);
const where = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('sex', 'age_years', '__proto__', ''), fc.string({ maxLength: 6 })), whereValue, { maxKeys: 3 }),
  anyJson,
);
const byItem = fc.oneof(
  fc.constantFrom<unknown>('sex', 'age_years', 'nope', '', 1, null),
  fc.record({ var: fc.constantFrom<unknown>('age_years', 'sex', 'x', 3), cuts: fc.oneof(fc.array(number, { maxLength: 5 }), anyJson) }, { requiredKeys: [] }),
);
const balance = fc.oneof(
  fc.constantFrom<unknown>('population', 'uniform', null, {}, [], 'x'),
  fc.record(
    {
      by: fc.oneof(fc.array(byItem, { maxLength: 6 }), anyJson),
      target: fc.oneof(
        fc.constantFrom<unknown>('uniform', 'population', 'x', null),
        fc.dictionary(fc.constantFrom('female', 'male', 'missing', 'female|<18', 'x'), fc.oneof(fc.double({ min: -1, max: 2 }), anyJson), { maxKeys: 3 }),
      ),
    },
    { requiredKeys: [] },
  ),
);
/** A cohort spec with every field sometimes missing, of the wrong type or out of range. */
const hostileSpec = fc.record(
  {
    size: fc.oneof(number, nasty, anyJson),
    seed: fc.oneof(number, nasty),
    where,
    balance,
    asOf: fc.oneof(fc.constantFrom('2025-01-01', '2020-02-30', '1800-01-01', '2999-12-31', ''), nasty),
    lookbackYears: fc.oneof(number, nasty),
    name: fc.oneof(nasty, fc.constant('x'.repeat(5000))),
    extra: anyJson,
  },
  { requiredKeys: [] },
);
/** A plausible spec (valid size and seed, a real where and balance), with at most one field swapped for a hostile one. */
const plausibleSpec = fc
  .tuple(
    fc.record(
      {
        size: fc.integer({ min: 1, max: 30 }),
        seed: fc.integer({ min: 0, max: 1000 }),
        where: fc.constantFrom<unknown>({ sex: 'female' }, { age_years: { gte: 40, lt: 65 } }, { sex: 'male', age_years: { gte: 18 } }, {}),
        balance: fc.constantFrom<unknown>(
          { by: ['sex'] },
          { by: ['sex'], target: 'population' },
          { by: [{ var: 'age_years', cuts: [18, 40, 65] }] },
          { by: ['sex', { var: 'age_years', cuts: [40] }], target: { 'female|<40': 0.5, 'male|40+': 0.5 } },
          { by: [{ var: 'age_years', cuts: [65, 40] }] },
          { by: ['sex'], target: { female: 0.7, male: 0.2 } },
          'population',
        ),
      },
      { requiredKeys: ['size', 'seed'] },
    ),
    fc.option(hostileSpec, { nil: undefined }),
  )
  .map(([ok, hostile]) => {
    if (hostile === undefined) return ok;
    const [k, v] = Object.entries(hostile)[0] ?? [];
    return k === undefined ? ok : { ...ok, [k]: v };
  });
const spec = fc.oneof(plausibleSpec, hostileSpec);

// GraphQL: real fields of both schemas, fuzzed arguments passed inline or as variables.
const gqlLiteral = fc.oneof(
  number.map(String),
  nasty.map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'null', '[]', '{}', '{sex: "female"}', '{age_years: {gte: 40}}', '$v', 'ENUM_VALUE', '"""block"""'),
);
const ownQuery = fc.oneof(
  fc.constant('{ model { hash name variables { name categories fhir { code } } } models { hash } }'),
  gqlLiteral.map((w) => `{ support(where: ${w}) { __typename } }`),
  fc.tuple(gqlLiteral, gqlLiteral, gqlLiteral).map(([w, n, s]) => `{ sample(where: ${w}, n: ${n}, seed: ${s}) }`),
  fc.tuple(gqlLiteral, gqlLiteral, gqlLiteral).map(([id, f, after]) => `{ cohort(id: ${id}) { id size strata { __typename } warnings patients(first: ${f}, after: ${after}) { totalCount edges { cursor node { id stratum weight } } } } }`),
  fc.constant('{ cohorts { id size } }'),
  fc.tuple(gqlLiteral, gqlLiteral, gqlLiteral, gqlLiteral).map(([size, seed, w, b]) => `mutation { createCohort(spec: {size: ${size}, seed: ${seed}, where: ${w}, balance: ${b}}) { id size warnings strata { __typename } } }`),
  fc.constant('mutation($s: CohortSpecInput!) { createCohort(spec: $s) { id size warnings } }'),
  fc.constant('query($w: JSON!, $n: Int!, $s: Int!) { sample(where: $w, n: $n, seed: $s) }'),
);
const FHIR_ARGS = ['gender', 'birthdate', 'name', '_id', '_count', '_offset', '_sort', '_params', 'code', 'date', 'value_quantity', 'subject', 'nope'];
const fhirQuery = fc.oneof(
  fc.tuple(fc.array(fc.tuple(fc.constantFrom(...FHIR_ARGS), gqlLiteral), { maxLength: 4 })).map(
    ([args]) => `{ PatientList${args.length > 0 ? `(${args.map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''} { id gender birthDate } }`,
  ),
  fc.tuple(gqlLiteral, gqlLiteral).map(([id, c]) => `{ Patient(id: ${id}) { id ObservationList(_reference: subject, _count: ${c}) { id code { text } } } }`),
  fc.tuple(fc.constantFrom('Observation', 'Condition', 'Encounter', 'MedicationRequest', 'Group', 'Nope'), gqlLiteral).map(([t, v]) => `{ ${t}List(_count: ${v}) { id } ${t}Connection(_count: 2) { count first next edges { resource { id } } } }`),
  fc.tuple(gqlLiteral).map(([id]) => `{ Observation(id: ${id}) { subject { reference resource { ... on Patient { id } } } } }`),
  fc.constant('query($v: String, $c: Int) { PatientList(gender: $v, _count: $c) { id } }'),
);
const variables = fc.oneof(
  fc.constant(undefined),
  anyJson,
  fc.record({ v: fc.oneof(nasty, anyJson), c: fc.oneof(number, anyJson), w: where, n: fc.oneof(number, anyJson), s: fc.oneof(spec, anyJson) }, { requiredKeys: [] }),
);
/** A body: a query and variables, sometimes mangled (no query, query not a string, operationName, junk). */
const gqlBody = (query: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(query, variables).map(([q, v]) => JSON.stringify(v === undefined ? { query: q } : { query: q, variables: v })) },
    { weight: 1, arbitrary: fc.tuple(query, fc.integer({ min: 0, max: 200 })).map(([q, cut]) => JSON.stringify({ query: q.slice(0, cut) })) },
    { weight: 1, arbitrary: fc.oneof(anyJson.map((j) => JSON.stringify(j)), fc.record({ query: anyJson, variables: anyJson, operationName: anyJson }).map((o) => JSON.stringify(o)), fc.constantFrom('', '{', 'null', '[]')) },
  );

function shortReport(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample)?.slice(0, 600);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`property failed (seed ${details.seed}, path ${details.counterexamplePath}): ${example}\n${cause.slice(0, 1500)}`);
}
const settings = (ciRuns: number): fc.Parameters<unknown> => ({ seed: FUZZ_SEED, numRuns: fuzzRuns(ciRuns), endOnFailure: true, reporter: shortReport });

/** Statuses seen per front (printed: a fuzzer that only ever hits one error path proves little). */
const seen = new Map<string, number>();
const expectKept = async (what: string, r: Promise<Reply>, broken: (r: Reply) => string | undefined): Promise<void> => {
  const reply = await r;
  const errorCode = /"(?:code)":"([A-Z_]+)"/.exec(reply.text)?.[1] ?? '-';
  const key = `${reply.status} ${errorCode}`;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  const why = broken(reply);
  if (why !== undefined) throw new Error(`${what.slice(0, 400)}: ${why}`);
};

describe('fuzzed GraphQL and cohort specs keep the promise (no 5xx, the problem named, no internals)', () => {
  it('POST /cohorts with generated specs (size, seed, where, balance, asOf, lookbackYears, name)', async () => {
    await fc.assert(fc.asyncProperty(spec, (s) => expectKept(JSON.stringify(s), post('/cohorts', JSON.stringify(s)), problemBroken)), settings(200));
  });

  it('POST /cohorts with bodies that are not specs', async () => {
    const body = fc.oneof(anyJson.map((j) => JSON.stringify(j)), fc.constantFrom('', '{', '{"size":', 'null', '[]', '"x"', '{"size":5}}'), nasty);
    const type = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/fhir+json', '');
    await fc.assert(fc.asyncProperty(body, type, (b, t) => expectKept(`${t} ${b}`, post('/cohorts', b, t), problemBroken)), settings(80));
  });

  it('/graphql: own-API queries and mutations with fuzzed arguments and variables', async () => {
    await fc.assert(fc.asyncProperty(gqlBody(ownQuery), (b) => expectKept(b, post('/graphql', b), graphqlBroken)), settings(200));
  });

  it('/fhir/$graphql: FHIR queries with fuzzed search arguments and variables', async () => {
    await fc.assert(fc.asyncProperty(gqlBody(fhirQuery), (b) => expectKept(b, post('/fhir/$graphql', b), graphqlBroken)), settings(200));
  });

  it('logged no internal error for any of it; reached both success and many distinct errors', () => {
    process.stdout.write(`fuzz graphql/cohorts: ${JSON.stringify(Object.fromEntries([...seen].sort()))}\n`);
    expect(a.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect([...seen.keys()].some((k) => k.startsWith('201 '))).toBe(true);
    expect([...seen.keys()].some((k) => k.startsWith('200 -'))).toBe(true);
    expect(seen.size).toBeGreaterThan(5);
  });
});

describe('limits of these fronts: a 4xx naming the limit', () => {
  it('a GraphQL or /cohorts body over SYNTHFHIR_MAX_BODY_BYTES: 413 naming the limit', async () => {
    const big = JSON.stringify({ query: `{ model { hash } } # ${'x'.repeat(MAX_BODY_BYTES)}` });
    for (const path of ['/graphql', '/fhir/$graphql']) {
      const r = await post(path, big);
      expect({ path, status: r.status }).toEqual({ path, status: 413 });
      expect(r.text).toMatch(new RegExp(`${MAX_BODY_BYTES}|SYNTHFHIR_MAX_BODY_BYTES`));
    }
    const c = await post('/cohorts', JSON.stringify({ size: 5, seed: 1, name: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(c.status).toBe(413);
    expect(JSON.parse(c.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(c.text).toMatch(new RegExp(`${MAX_BODY_BYTES}|SYNTHFHIR_MAX_BODY_BYTES`));
  });

  it('cohort size beyond the maximum: 400 naming the bound, on /cohorts and in createCohort', async () => {
    const r = await post('/cohorts', JSON.stringify({ size: 10_000_001, seed: 1 }));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'INVALID_INPUT' });
    expect(r.text).toMatch(/10,?000,?000/);
    const g = await post('/graphql', JSON.stringify({ query: 'mutation { createCohort(spec: {size: 10000001, seed: 1}) { id } }' }));
    const e = (JSON.parse(g.text) as { errors: { message: string; extensions: { code: string } }[] }).errors[0];
    expect(e.extensions.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/10,?000,?000/);
  });

  it('GraphQL depth and cost: 400 TOO_COSTLY naming the limit (over HTTP, before execution)', async () => {
    const deep = `{ PatientList(_count: 1) { ${'ObservationList(_reference: subject) { subject { resource { ... on Patient { '.repeat(5)} id ${'} } } }'.repeat(5)} } }`;
    const cases: [string, string][] = [
      [deep, 'maxDepth'],
      ['{ PatientList(_count: 1000) { ObservationList(_reference: subject, _count: 1000) { id status } } }', 'maxCost'],
    ];
    for (const [query, limit] of cases) {
      const r = await post('/fhir/$graphql', JSON.stringify({ query }));
      expect({ limit, status: r.status }).toEqual({ limit, status: 400 });
      const e = (JSON.parse(r.text) as { errors: { message: string; extensions: { code: string; limit: string } }[] }).errors[0];
      expect(e.extensions).toMatchObject({ code: 'TOO_COSTLY', limit });
      expect(e.message).toMatch(/limit of \d+/);
    }
  });
});
