/**
 * Fuzzing drill: generated search URLs, cohort specs (query and Parameters bodies), `where` JSON and
 * raw requests against the app in-process (one node:http server over the stub engine). The promise,
 * for every input: no crash, no 5xx, an error is an OperationOutcome naming the problem, and no stack
 * trace or file path in any response. Fixed seed; `npm run drills` runs DRILLS_SCALE times more.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';

import type { App } from '../../src/app';
import { createHardenedServer } from '../../src/app';
import { testConfig } from '../support/config';
import { brokenPromise, FUZZ_SEED, fuzzRuns } from '../support/drills';
import type { ResponseLike } from '../support/drills';
import { createStubApp } from '../support/stub-app';

let a: App;
let server: http.Server;
let port: number;
/** Search parameters of the CapabilityStatement, by resource type: name → type. */
let params: Map<string, { name: string; type: string }[]>;

/** One request with the path sent byte for byte (no client-side URL normalisation). */
function send(method: string, path: string, body?: string, contentType?: string): Promise<ResponseLike> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers['content-type'] = contentType ?? 'application/fhir+json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), contentType: res.headers['content-type'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function expectKept(method: string, path: string, body?: string, contentType?: string): Promise<void> {
  const r = await send(method, path, body, contentType);
  // HEAD has no body to check: only its status.
  const why = method === 'HEAD' ? (r.status >= 500 ? `HTTP ${r.status}` : undefined) : brokenPromise(r);
  if (why !== undefined) throw new Error(`${method} ${path.slice(0, 300)}${body !== undefined ? ` body=${body.slice(0, 300)}` : ''}: ${why}`);
}

beforeAll(async () => {
  a = await createStubApp({ defaultCohortSize: 20, maxBodyBytes: 64 * 1024 });
  server = createHardenedServer(a.app, testConfig()).server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  const meta = JSON.parse((await send('GET', '/fhir/metadata')).text) as {
    rest: { resource: { type: string; searchParam?: { name: string; type: string }[] }[] }[];
  };
  params = new Map((meta.rest[0]?.resource ?? []).map((r) => [r.type, r.searchParam ?? []]));
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await a.close();
});

// ---- arbitraries -----------------------------------------------------------------------------

const PREFIXES = ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'xx'];
const MODIFIERS = ['', ':missing', ':exact', ':contains', ':not', ':text', ':above', ':below', ':in', ':not-in', ':of-type', ':identifier', ':iterate', ':Patient', ':bogus', ':'];
const RESULT_PARAMS = ['_count', '_sort', '_include', '_revinclude', '_elements', '_summary', '_total', '_id', '_lastUpdated', '_format', '_pretty', '_has', '_contained', '_offset', '_page', '_cursor', '_type'];

/** Awkward text: empty, huge, control characters, unicode, reserved characters, bad percent-encodings. */
const nasty = fc.oneof(
  fc.constantFrom('', ' ', '%', '%zz', '%C3%28', '%00', '%FF%FE', '\u0000', '..', '/', '|', '||', ',', ',,', '$', '"', "'", '<script>alert(1)</script>', 'null', '-1', '1e309', 'NaN', '9'.repeat(40), '\\', '😀', 'Patient/', 'Patient/../metadata'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

const number = fc.oneof(fc.integer().map(String), fc.double({ noNaN: false }).map(String), fc.constantFrom('0', '-0', '1.5e3', '.5', '5.', '1,2'));
const date = fc.oneof(
  fc.constantFrom('2020', '2020-02', '2020-02-30', '2020-13-01', '2020-01-01T10:00', '2020-01-01T25:00:00Z', '2020-01-01T10:00:00+14:00', '0000', '99999-01-01', 'today', 'T'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const token = fc.oneof(
  fc.constantFrom('female', 'male', 'http://loinc.org|4548-4', '|4548-4', 'http://loinc.org|', '|', 'final', 'a|b|c'),
  fc.tuple(nasty, nasty).map(([s, c]) => `${s}|${c}`),
);
const quantity = fc.tuple(fc.constantFrom(...PREFIXES), number, fc.constantFrom('', '|http://unitsofmeasure.org|kg', '||mg', '|x')).map(([p, n, u]) => `${p}${n}${u}`);
const reference = fc.oneof(fc.constantFrom('Patient/x', 'Patient/', 'Encounter/1/_history/1', 'http://example.org/fhir/Patient/1'), nasty.map((s) => `Patient/${s}`));

function valueFor(type: string): fc.Arbitrary<string> {
  switch (type) {
    case 'date':
      return fc.tuple(fc.constantFrom(...PREFIXES), date).map(([p, d]) => p + d);
    case 'number':
      return fc.tuple(fc.constantFrom(...PREFIXES), number).map(([p, n]) => p + n);
    case 'quantity':
      return quantity;
    case 'token':
      return token;
    case 'reference':
      return reference;
    default:
      return nasty;
  }
}

const resultParam = fc.oneof(
  fc.tuple(fc.constant('_count'), fc.oneof(number, nasty)),
  fc.tuple(fc.constant('_sort'), fc.oneof(fc.constantFrom('_id', '-_id', 'birthdate', '-date,_id', 'nonsense', '', ','), nasty)),
  fc.tuple(fc.constantFrom('_include', '_revinclude', '_include:iterate', '_revinclude:iterate'), fc.oneof(fc.constantFrom('*', 'Observation:subject', 'Observation:subject:Patient', 'Encounter:*', '*:*', 'Patient:link', ':'), nasty)),
  fc.tuple(fc.constantFrom('_summary', '_total', '_elements', '_format', '_pretty'), fc.oneof(fc.constantFrom('true', 'false', 'count', 'data', 'text', 'accurate', 'none', 'estimate', 'id,meta', 'json', 'xml', 'application/fhir+xml'), nasty)),
  fc.tuple(
    fc.tuple(fc.constantFrom('Observation', 'Encounter', 'Condition', 'Nope', ''), fc.constantFrom('subject', 'patient', 'x'), fc.constantFrom('code', 'status', '_id', '_has:Observation:subject:code', ''))
      .map(([t, r, p]) => `_has:${t}:${r}:${p}`),
    fc.oneof(token, nasty),
  ),
  fc.tuple(fc.constantFrom(...RESULT_PARAMS), nasty),
);

/** A parameter of the type's capability (every parameter type), a chain, or junk; with a modifier. */
function searchParam(type: string): fc.Arbitrary<[string, string]> {
  const known = params.get(type) ?? [];
  const own =
    known.length === 0
      ? fc.tuple(nasty, nasty)
      : fc.constantFrom(...known).chain((p) => fc.tuple(fc.constantFrom(...MODIFIERS).map((m) => p.name + m), valueFor(p.type)));
  const chained = fc
    .tuple(fc.constantFrom('subject', 'patient', 'encounter', 'subject:Patient', 'x'), fc.constantFrom('gender', 'birthdate', 'name', 'identifier', 'subject.gender', '_has:Observation:subject:code', 'nope'), fc.oneof(token, nasty))
    .map(([r, p, v]): [string, string] => [`${r}.${p}`, v]);
  return fc.oneof({ weight: 5, arbitrary: own }, { weight: 2, arbitrary: chained }, { weight: 3, arbitrary: resultParam }, { weight: 1, arbitrary: fc.tuple(nasty, nasty) });
}

/** Encodes a pair: properly, raw (reserved characters left in), or with injected percent noise. */
const encoding = fc.constantFrom<'proper' | 'raw' | 'noise'>('proper', 'raw', 'noise');
function encodePart(s: string, how: 'proper' | 'raw' | 'noise'): string {
  const proper = encodeURIComponent(s);
  if (how === 'proper') return proper;
  if (how === 'noise') return `${proper}%${proper.length % 2 === 0 ? 'G1' : ''}`;
  // Raw: what a careless client sends; keep only characters node:http lets onto the request line.
  return proper.replace(/%(2C|7C|3A|2F|24|27|28|29|2A|21|40|3B)/g, (m) => decodeURIComponent(m));
}

const typeName = (): fc.Arbitrary<string> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...params.keys()) }, { weight: 1, arbitrary: fc.constantFrom('Nope', 'patient', '_history', '$everything', 'metadata', '') });

/** A whole search URL: type, 0–6 parameters, each encoded its own way. */
const searchUrl = (): fc.Arbitrary<string> =>
  typeName().chain((type) =>
    fc.array(fc.tuple(searchParam(type), encoding), { maxLength: 6 }).map(
      (pairs) => `/fhir/${type}${pairs.length > 0 ? '?' : ''}${pairs.map(([[k, v], how]) => `${encodePart(k, how)}=${encodePart(v, how)}`).join('&')}`,
    ),
  );

/** `where` JSON: known variables with good and bad values, unknown variables, non-objects, broken JSON. */
const whereValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('female', 'male', 'none', 'both', 40, -1, 1e308, null, true, [], ['female', 'male'], { gte: 40, lte: 65 }, { gte: 65, lte: 40 }, { missing: true }, { lt: 'x' }, { between: [1, 2] }),
  fc.jsonValue({ maxDepth: 3 }),
);
const whereJson: fc.Arbitrary<string> = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('sex', 'age_years', 'smoker', '__proto__', 'constructor', ''), fc.string({ maxLength: 8 })), whereValue, { maxKeys: 3 }).map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{', '{"sex":', '[]', 'null', '"x"', '{"sex":"female"}}', '{"a":' + '['.repeat(2000)),
  nasty,
);

/** Group/$cohort inputs: every parameter sometimes missing, repeated, of the wrong type or out of range. */
const cohortInput = fc.record(
  {
    size: fc.oneof(fc.integer({ min: -5, max: 50 }).map(String), fc.constantFrom('0', '10000000', '10000001', '1e3', '1.5', '99999999999999999999', ''), nasty),
    seed: fc.oneof(fc.integer({ min: -5, max: 1000 }).map(String), fc.constantFrom('9007199254740991', '9007199254740992', '-1', '0x10', ''), nasty),
    where: whereJson,
    asOf: fc.oneof(date, nasty),
    name: nasty,
  },
  { requiredKeys: [] },
);

/** A Parameters body from an input, with the wrong value[x] sometimes; or not a Parameters at all. */
const parametersBody = fc.oneof(
  fc.tuple(cohortInput, fc.boolean()).map(([input, wrongTypes]) =>
    JSON.stringify({
      resourceType: 'Parameters',
      parameter: Object.entries(input).map(([name, v]) => {
        if (wrongTypes) return { name, valueBoolean: true };
        if (name === 'size' || name === 'seed') return /^-?\d+$/.test(v) && Math.abs(Number(v)) < 2 ** 53 ? { name, valueInteger: Number(v) } : { name, valueString: v };
        if (name === 'asOf') return { name, valueDate: v };
        return { name, valueString: v };
      }),
    }),
  ),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ resourceType: 'Parameters', parameter: v })),
  fc.constantFrom('', '{', 'null', '[]', '{"resourceType":"Patient"}', '{"resourceType":"Parameters","parameter":[{"name":"size"}]}'),
);

// ---- properties ------------------------------------------------------------------------------

/** fast-check's report with huge counterexamples cut (a 20 kB URL is not readable anyway). */
function shortReport(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample)?.slice(0, 500);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`property failed (seed ${details.seed}, path ${details.counterexamplePath}): ${example}\n${cause.slice(0, 1500)}`);
}

const settings = (ciRuns: number): fc.Parameters<unknown> => ({ seed: FUZZ_SEED, numRuns: fuzzRuns(ciRuns), endOnFailure: true, reporter: shortReport });

describe('fuzzed HTTP input keeps the promise (no 5xx, an OperationOutcome naming the problem, no internals)', () => {
  it('search URLs: every parameter type, modifiers, prefixes, chains, _has, includes, _sort, _count, encodings, huge and empty values', async () => {
    await fc.assert(fc.asyncProperty(searchUrl(), (url) => expectKept('GET', url)), settings(400));
  });

  it('the same searches as POST _search form bodies', async () => {
    await fc.assert(
      fc.asyncProperty(searchUrl(), (url) => {
        const q = url.indexOf('?');
        const path = q < 0 ? url : url.slice(0, q);
        return expectKept('POST', `${path}/_search`, q < 0 ? '' : url.slice(q + 1), 'application/x-www-form-urlencoded');
      }),
      settings(150),
    );
  });

  it('Group/$cohort with query parameters (size, seed, where JSON, asOf, name)', async () => {
    await fc.assert(
      fc.asyncProperty(cohortInput, fc.array(fc.tuple(fc.constantFrom('size', 'seed', 'where', 'junk'), nasty), { maxLength: 2 }), (input, extra) => {
        const pairs = [...Object.entries(input), ...extra];
        return expectKept('GET', `/fhir/Group/$cohort?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`);
      }),
      settings(250),
    );
  });

  it('Group/$cohort with Parameters bodies (and JSON that is not Parameters)', async () => {
    await fc.assert(fc.asyncProperty(parametersBody, (body) => expectKept('POST', '/fhir/Group/$cohort', body)), settings(200));
  });

  it('reads, vreads, histories and $everything with arbitrary ids and paths', async () => {
    const path = fc.oneof(
      fc.tuple(typeName(), nasty).map(([t, id]) => `/fhir/${t}/${encodeURIComponent(id)}`),
      fc.tuple(nasty, nasty).map(([id, v]) => `/fhir/Patient/${encodeURIComponent(id)}/_history/${encodeURIComponent(v)}`),
      fc.tuple(nasty, fc.array(resultParam, { maxLength: 3 })).map(
        ([id, ps]) => `/fhir/Patient/${encodeURIComponent(id)}/$everything?${ps.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
      ),
      fc.array(nasty, { minLength: 1, maxLength: 6 }).map((segs) => `/fhir/${segs.map(encodeURIComponent).join('/')}`),
      fc.array(nasty, { minLength: 1, maxLength: 3 }).map((segs) => `/${segs.map(encodeURIComponent).join('/')}`),
      nasty.map((h) => `/models/${encodeURIComponent(h)}/report`),
    );
    const method = fc.constantFrom('GET', 'HEAD', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'POST');
    await fc.assert(
      fc.asyncProperty(method, path, (m, p) => expectKept(m, p, m === 'PUT' || m === 'POST' || m === 'PATCH' ? '{"resourceType":"Patient"}' : undefined)),
      settings(300),
    );
  });
});
