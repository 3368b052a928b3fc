import request from 'supertest';

import { createStubApp } from '../support/stub-app';

it('smoke', async () => {
  const a = await createStubApp();
  try {
    const pid = `${a.defaultCohort.id}-4`;
    const q = `{ Patient(id: "${pid}") { id resourceType gender birthDate ObservationList(_reference: subject, _sort: "-date") { id code { coding { code } } valueQuantity { value } subject { reference resource { ... on Patient { id } } } encounter { resource(type: Encounter) { ... on Encounter { period { start } } } } } }
      PatientList(gender: "female", _count: 3) { id gender }
      PatientConnection(_count: 5) { count offset pageSize next edges { mode resource { id } } } }`;
    const r = await request(a.app).post('/fhir/$graphql').set('accept', 'application/json').send({ query: q });
    console.log(r.status, JSON.stringify(r.body, null, 1).slice(0, 3000));
    const o = await request(a.app).post('/graphql').send({ query: '{ model { hash name variables { name kind categories } } support(where: {sex: "female"}) { probability } sample(n: 2, seed: 1) cohorts { id size } }' });
    console.log(o.status, JSON.stringify(o.body));
    const m = await request(a.app).get('/fhir/metadata');
    console.log(JSON.stringify(m.body.rest[0].operation));
    const h = await request(a.app).get('/graphql').set('accept', 'text/html');
    console.log(h.status, h.text.length);
    expect(r.status).toBe(200);
  } finally {
    await a.close();
  }
});
