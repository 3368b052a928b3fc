/**
 * Golden GraphQL answers on seeded data (the embedded model, default cohort of 40, seed 1): each
 * query's response must equal its file in test/golden/graphql/ exactly. They change with the
 * generator only: regenerate with UPDATE_GOLDEN=1 together with a GENERATOR_VERSION bump.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import request from 'supertest';

import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { GENERATOR_VERSION } from '../../src/generate';
import { testConfig } from '../support/config';
import { memoryLogger } from '../support/stub-app';

const DIR = join(__dirname, 'graphql');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const QUERIES: Record<string, (cohort: string) => string> = {
  'patient-summary': (c) => `{ Patient(id: "${c}-7") { resourceType id gender birthDate name { given family }
    extension { url extension { url valueCoding { system code display } valueString } }
    ObservationList(_reference: subject, _sort: "-date", _count: 20) { id code { coding { system code } } effectiveDateTime valueQuantity { value unit } valueCodeableConcept { text } }
    ConditionList(_reference: subject) { id code { coding { system code display } } clinicalStatus { coding { code } } onsetDateTime } } }`,
  'latest-hba1c': () => `{ PatientList(_count: 6, _sort: "birthdate") { id birthDate
    ObservationList(_reference: subject, code: "4548-4", _sort: "-date", _count: 1) { effectiveDateTime valueQuantity { value unit } } } }`,
  'observation-connection': () => `{ ObservationConnection(code: "4548-4", _count: 3, _sort: "-value-quantity") { count offset pageSize next
    edges { mode resource { id valueQuantity { value } subject { resource(type: Patient) { ... on Patient { id birthDate } } } } } } }`,
  'encounter-references': () => `{ EncounterList(_count: 2, _sort: "date") { id status class { code } period { start end } subject { reference }
    ObservationList(_reference: encounter, _count: 3, _sort: "code") { code { text } } } }`,
  'default-group': (c) => `{ Group(id: "${c}") { resourceType id type actual quantity extension(url: "https://synthfhir.dev/fhir/StructureDefinition/cohort-spec") { valueString } } }`,
};

describe('golden GraphQL answers', () => {
  let a: App;
  beforeAll(async () => {
    a = await createApp(testConfig({ defaultCohortSize: 40 }), { logger: memoryLogger() });
  });
  afterAll(async () => {
    await a.close();
  });

  it.each(Object.keys(QUERIES))('%s', async (name) => {
    const r = await request(a.app).post('/fhir/$graphql').send({ query: QUERIES[name](a.defaultCohort.id) });
    expect(r.status).toBe(200);
    const file = join(DIR, `${name}.json`);
    const now = { generatorVersion: GENERATOR_VERSION, response: r.body as unknown };
    if (UPDATE) writeFileSync(file, JSON.stringify(now, null, 1) + '\n');
    expect(now).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    expect(JSON.stringify(r.body)).not.toContain('"errors"');
  });
});
