import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import request from 'supertest';

import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';

/** The README's copy-paste GraphQL queries work as written, against the embedded model. */
const CURLS = [...readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').matchAll(/^curl -s '?localhost:8080(\/[^' ]+)'? -H 'content-type: application\/json' -d '(.*)'$/gm)].map(
  (m) => ({ path: m[1], body: JSON.parse(m[2]) as unknown }),
);

describe('README GraphQL examples', () => {
  let a: App;
  beforeAll(async () => {
    a = await createApp(testConfig({ defaultCohortSize: 60 }), { logger: memoryLogger() });
  });
  afterAll(async () => {
    await a.close();
  });

  it('has three of them', () => {
    expect(CURLS.map((c) => c.path)).toEqual(['/fhir/$graphql', '/fhir/$graphql', '/graphql']);
  });

  it.each([0, 1, 2])('example %d answers without errors', async (i) => {
    const r = await request(a.app).post(CURLS[i].path).send(CURLS[i].body as object);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(JSON.stringify(r.body.data).length).toBeGreaterThan(100);
  });
});
