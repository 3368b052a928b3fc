import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ModelRegistry } from '../../src/cohort';
import { createSearchPort } from '../../src/fhir';
import { startServer } from '../../src/server';
import type { RunningServer } from '../../src/server';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';
import { createStubEngine, STUB_MODEL } from '../support/stub-engine';

const run = promisify(execFile);

interface Failure {
  status: number;
  data: { resourceType: string; issue: { code: string; diagnostics: string }[] };
}

// A real server on a random port, driven by fhir-kit-client (npm) in a child process.
describe('a real FHIR client against the server', () => {
  let server: RunningServer;
  let seen: Record<string, unknown>;
  let pid: string;

  beforeAll(async () => {
    server = await startServer(testConfig({ port: 0, host: '127.0.0.1', defaultCohortSize: 30 }), {
      logger: memoryLogger(),
      engine: createStubEngine(),
      models: new ModelRegistry([STUB_MODEL]),
      search: createSearchPort(),
    });
    pid = `${server.app.defaultCohort.id}-5`;
    const { stdout } = await run(process.execPath, [join(__dirname, '../support/fhir-kit-scenario.mjs'), `${server.url}/fhir`, pid], {
      cwd: join(__dirname, '../..'),
      timeout: 30_000,
    });
    seen = JSON.parse(stdout) as Record<string, unknown>;
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads the CapabilityStatement', () => {
    expect(seen.capability).toEqual({ fhirVersion: '4.0.1', types: ['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'Group'] });
  });

  it('pages through the default cohort with the client’s nextPage, nothing lost or repeated', () => {
    const { pages, ids } = seen.paging as { pages: number; ids: string[] };
    expect(seen.firstTotal).toBe(30);
    expect(pages).toBe(5);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('reads, vreads, searches by subject, gets history and $everything', () => {
    expect(seen.read).toMatchObject({ resourceType: 'Patient', id: pid });
    expect(seen.vread).toEqual(seen.read);
    expect(seen.observations).toEqual([`${pid}-o0`, `${pid}-o1`]);
    expect(seen.everything).toEqual({ total: 6, types: ['Patient', 'Encounter', 'Observation', 'Observation', 'Condition', 'MedicationRequest'] });
    expect(seen.history).toEqual({ type: 'history', total: 1 });
  });

  it.each([
    ['notFound', 404, 'not-found'],
    ['unknownType', 404, 'not-supported'],
    ['create', 405, 'not-supported'],
    ['update', 405, 'not-supported'],
    ['del', 405, 'not-supported'],
    ['badParam', 400, 'invalid'],
    ['strict', 400, 'not-supported'],
    ['xml', 406, 'not-supported'],
  ])('%s → %d OperationOutcome (%s), no stack trace', (key, status, code) => {
    const f = seen[key] as Failure;
    expect(f.status).toBe(status);
    const body = typeof f.data === 'string' ? (JSON.parse(f.data) as Failure['data']) : f.data;
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0].code).toBe(code);
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/);
  });
});
