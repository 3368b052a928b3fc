/**
 * Contract: on the 1,000-patient default cohort (real model and generator), a search answered
 * through the compact per-cohort index (src/fhir/search/compact-index.ts: exact from its columns,
 * or finished by the engine over the patients it leaves) gives the same ids, order, totals and
 * includes as the full engine over a corpus holding every resource of the cohort — the corpus the
 * server searched before the index. Also: browsing before any index exists (a walk over patients
 * with a `_cursor`) gives the corpus order, and the index stays under its 15 KB-per-patient budget
 * (bytes of its typed arrays plus its dictionaries; not a timing).
 */
import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { CorpusProvider, createFhirRouter, createSearchPort, ResourceCorpus } from '../../src/fhir';
import type { FhirContext } from '../../src/fhir';
import { executeSearch, resolveIncludes } from '../../src/fhir/search';
import type { Resource } from '../../src/fhir/search/types';
import { testConfig } from '../support/config';
import { jsonResponse } from '../support/json';
import type { JsonResource } from '../support/json';
import { memoryLogger } from '../support/stub-app';

const PATIENTS = 1000;
const BASE = 'http://fhir.test/fhir';
/** Issue 11 §3: the index holds at most 15 KB per patient. */
const BUDGET_BYTES_PER_PATIENT = 15 * 1024;

let app: App;
let full: ResourceCorpus;
const config = testConfig({ defaultCohortSize: PATIENTS });

beforeAll(async () => {
  app = await createApp(config, { logger: memoryLogger() });
  full = new ResourceCorpus();
  for (let i = 0; i < PATIENTS; i++) {
    const record = app.cohorts.generateAt(app.defaultCohort, i);
    full.addPatient(record.patientId, app.cohorts.resourcesOf(record));
  }
}, 120_000);

afterAll(async () => {
  await app.close();
});

interface Answer {
  readonly status: number;
  readonly total: unknown;
  readonly matches: readonly string[];
  readonly includes: readonly string[];
  readonly next?: string;
}

const keyOf = (r: { resourceType: string; id?: string }): string => `${r.resourceType}/${r.id ?? ''}`;

function answerOf(status: number, body: JsonResource): Answer {
  const entries = (body.entry ?? []) as { resource: Resource; search?: { mode: string } }[];
  const links = (body.link ?? []) as { relation: string; url: string }[];
  const next = links.find((l) => l.relation === 'next')?.url;
  return {
    status,
    total: body.total,
    matches: entries.filter((e) => e.search?.mode === 'match').map((e) => keyOf(e.resource)),
    includes: entries.filter((e) => e.search?.mode === 'include').map((e) => keyOf(e.resource)),
    ...(next !== undefined ? { next } : {}),
  };
}

async function viaServer(type: string, query: string): Promise<Answer> {
  const res = jsonResponse(
    await app.router.handle({ method: 'GET', path: type, query: [...new URLSearchParams(query)], headers: {}, baseUrl: BASE }),
  );
  return answerOf(res.status, res.body);
}

/** The full engine over every resource of the cohort, paged as the server pages. */
function viaFullCorpus(type: string, query: string): Answer {
  const req = { resourceType: type, params: [...new URLSearchParams(query)], strict: false };
  const result = executeSearch(full, req, { defaultCount: config.defaultCount, maxCount: config.maxCount, now: config.asOf });
  const count = result.summary === 'count' ? 0 : result.count;
  const page = result.matches.slice(result.offsetRequested, result.offsetRequested + count);
  const includes = page.length > 0 && result.includes.length > 0 ? resolveIncludes(full, page, req) : [];
  return {
    status: 200,
    total: result.totalMode === 'none' ? undefined : result.total,
    matches: page.map(keyOf),
    includes: includes.map(keyOf),
  };
}

describe('browsing before any index exists walks patients in corpus order', () => {
  test('Observation?_count=50&_offset=70, then its next link (a cursor)', async () => {
    // A replica that does not wait for indexes (as for cohorts above SYNTHFHIR's wait threshold).
    const corpora = new CorpusProvider(app.cohorts, { waitPatients: 0 });
    const context: FhirContext = {
      cohorts: app.cohorts,
      corpora,
      search: createSearchPort(),
      defaultCohortId: app.defaultCohort.id,
      defaultCount: config.defaultCount,
      maxCount: config.maxCount,
      asOf: config.asOf,
      software: { name: 'synthfhir', version: 'test' },
    };
    const router = createFhirRouter(context);
    const get = async (path: string, query: string): Promise<Answer> => {
      const res = jsonResponse(await router.handle({ method: 'GET', path, query: [...new URLSearchParams(query)], headers: {}, baseUrl: BASE }));
      return answerOf(res.status, res.body);
    };
    const first = await get('Observation', '_count=50&_offset=70');
    expect(first.status).toBe(200);
    expect(first.total).toBeUndefined();
    expect(first.matches).toEqual(full.resources('Observation').slice(70, 120).map(keyOf));
    expect(first.next).toContain('_cursor=');
    const second = await get('Observation', new URL(first.next!).search.slice(1));
    expect(second.matches).toEqual(full.resources('Observation').slice(120, 170).map(keyOf));
    // Patient browsing is arithmetic: total known, no index.
    const patients = await get('Patient', '_count=5&_offset=995');
    expect(patients.total).toBe(PATIENTS);
    expect(patients.matches).toEqual(full.resources('Patient').slice(995).map(keyOf));
    expect(corpora.hasIndex(app.defaultCohort.id)).toBe(false);
  });
});

describe('the compact index answers as the full engine', () => {
  let pid: string;
  let encounterId: string;
  let identifier: string;
  let nonEmpty = 0;
  beforeAll(async () => {
    // Built here (once, waited for), so that no single comparison pays for it.
    await app.corpora.compactIndex(app.defaultCohort);
    const p = full.resources('Patient')[17];
    pid = p.id!;
    encounterId = full.byPatient('Encounter', pid)[1].id!;
    identifier = ((p as { identifier?: { value?: string }[] }).identifier ?? [])[0]?.value ?? 'none';
  }, 300_000);

  const table: ReadonlyArray<readonly [string, () => string]> = [
    // tokens, prefixes, quantities, multiple values, AND repeats, modifiers
    ['Observation', () => 'code=4548-4&value-quantity=gt6.5&_count=20'],
    ['Observation', () => 'code=http://loinc.org|4548-4&date=ge2024-01-01&_count=100'],
    ['Observation', () => 'code=4548-4,2345-7&_count=40&_offset=60'],
    ['Observation', () => 'code:not=8867-4&category=laboratory&_count=25&_offset=100'],
    ['Observation', () => 'code:text=hemoglobin&_count=10'],
    ['Observation', () => 'category=vital-signs&_sort=-date&_count=30'],
    ['Observation', () => 'status:missing=false&_summary=count'],
    ['Observation', () => 'value-quantity:missing=true&_count=10&_offset=5'],
    ['Observation', () => 'date=lt2024&date=ge2023-06&_count=15'],
    ['Observation', () => 'value-quantity=ge100|http://unitsofmeasure.org|mg/dL&_count=10'],
    ['Observation', () => 'value-quantity=ap7&code=4548-4&_total=accurate&_count=5'],
    ['Observation', () => `encounter=Encounter/${encounterId}`],
    ['Observation', () => '_sort=date,-value-quantity&_count=5&_offset=1000'],
    ['Observation', () => '_count=20&_offset=500'],
    ['Observation', () => '_lastUpdated=ge2024&_tag=HTEST&_count=3&_total=none'],
    ['Observation', () => 'code=4548-4&_count=5&_include=Observation:subject&_include=Observation:encounter'],
    ['Observation', () => 'code=4548-4&_count=5&_summary=true'],
    ['Patient', () => 'gender=female&birthdate=lt1960-01-01&_sort=birthdate&_count=50'],
    ['Patient', () => 'name=ma&_count=100'],
    ['Patient', () => 'given:contains=an&family:exact=Smith&_count=100'],
    ['Patient', () => '_sort=-birthdate,gender&_count=50&_offset=25'],
    ['Patient', () => `identifier=${identifier}`],
    ['Patient', () => 'gender=male&_summary=count'],
    ['Patient', () => 'gender:not=male&_elements=gender&_count=5'],
    ['Patient', () => 'gender=male&_count=3&_revinclude=Observation:subject&_revinclude=Condition:subject'],
    ['Encounter', () => 'class=AMB&date=2024&_count=50'],
    ['Encounter', () => 'status=finished&_sort=-date&_count=10'],
    ['Encounter', () => 'date=ap2024-06-01&_count=20'],
    ['Encounter', () => 'date=sa2024-06-01&_count=20&_offset=40'],
    ['Encounter', () => 'type:text=office&_count=10'],
    ['Condition', () => 'clinical-status=active&_sort=onset-date&_count=40'],
    ['Condition', () => 'onset-date=ge2020&category=problem-list-item&_count=40'],
    ['Condition', () => '_count=50&_offset=30'],
    ['MedicationRequest', () => 'status=active&_count=10'],
    ['MedicationRequest', () => '_sort=-authoredon&_count=10&_include=MedicationRequest:encounter'],
    // Criteria the index does not hold: finished by the engine over the narrowed patients.
    ['Observation', () => 'code=4548-4&code-value-quantity=4548-4$gt6.5&_count=20'],
    ['Observation', () => 'patient.gender=female&code=4548-4&_count=20'],
    ['Patient', () => '_has:Observation:patient:code=4548-4&_count=20'],
    ['Observation', () => 'code=4548-4&interpretation=H&_count=20'],
    ['Observation', () => 'code=2345-7&_sort=combo-code&_count=5'],
  ];

  test.each(table.map(([type, q], i) => [i, type, q] as const))('#%d %s', async (_i, type, q) => {
    const query = q();
    const server = await viaServer(type, query);
    const reference = viaFullCorpus(type, query);
    if (reference.matches.length > 0) nonEmpty += 1;
    expect({ query, status: server.status, total: server.total, matches: server.matches, includes: server.includes }).toEqual({
      query,
      ...reference,
    });
  }, 120_000);

  test('the comparisons mean something: most queries match, and the index answered them', () => {
    expect(nonEmpty).toBeGreaterThanOrEqual(table.length - 8);
    expect(app.corpora.readyIndex(app.defaultCohort)).not.toBeUndefined();
  });

  test('a cursor over a built index is the same page as the offset it names', async () => {
    const walked = await viaServer('Observation', '_count=10&_cursor=' + Buffer.from('40.0.40').toString('base64url'));
    expect(walked.matches).toEqual(full.resources('Observation').slice(40, 50).map(keyOf));
    // Over an index the total is known: the next link is by offset again.
    expect(walked.total).toBe(full.resources('Observation').length);
    expect(walked.next).toBe(`${BASE}/Observation?_count=10&_offset=50`);
    expect((await viaServer('Observation', '_cursor=nonsense')).status).toBe(400);
  });

  test('the index stays within 15 KB per patient (bytes of its arrays and dictionaries)', () => {
    const index = app.corpora.readyIndex(app.defaultCohort)!;
    expect(index.patients).toBe(PATIENTS);
    expect(index.bytes / PATIENTS).toBeLessThan(BUDGET_BYTES_PER_PATIENT);
    expect(index.bytes / PATIENTS).toBeGreaterThan(1024); // it holds something for each patient
  });
});
