import type { JsonResource } from '../../support/json';
import { CAPABILITY_TYPES, FHIR_VERSION, SERVED_TYPES, typesOf } from '../../../src/fhir';
import { searchParametersFor } from '../../../src/fhir/search';
import { routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

interface CapResource {
  type: string;
  interaction: { code: string }[];
  searchParam: { name: string; type: string; definition: string }[];
  operation?: { name: string; definition: string }[];
  searchInclude?: string[];
  searchRevInclude?: string[];
}

/**
 * A syntactically valid criterion for a parameter: `:missing` where the parameter takes it (every
 * simple type), else a composite value whose second component matches the parameter's name.
 */
function probe(name: string, modifiers: readonly string[]): string {
  if (modifiers.includes('missing')) return `${name}:missing=true`;
  const second = name.endsWith('-quantity') ? '5' : name.endsWith('-date') ? '2020' : 'x';
  return `${name}=${encodeURIComponent(`4548-4$${second}`)}`;
}

/** Every FHIR type-level/instance interaction a client might try. */
const ALL_INTERACTIONS = ['read', 'vread', 'history-instance', 'search-type', 'update', 'patch', 'delete', 'create', 'history-type'];
/** A resource of each type in the stub cohort. */
const SUFFIX: Record<string, string> = { Patient: '', Encounter: '-e0', Observation: '-o0', Condition: '-c0', MedicationRequest: '-m1' };

describe('CapabilityStatement ↔ routes', () => {
  let h: RouterHarness;
  let cap: JsonResource;
  let resources: CapResource[];
  const idOf = (type: string): string => (type === 'Group' ? h.cohort.id : `${h.cohort.id}-2${SUFFIX[type]}`);

  /** Tries an interaction; true when the server serves it (2xx). */
  async function served(type: string, interaction: string): Promise<boolean> {
    const id = idOf(type);
    const body = { resourceType: type, id };
    const r = await {
      read: () => h.get(`${type}/${id}`),
      vread: () => h.get(`${type}/${id}/_history/1`),
      'history-instance': () => h.get(`${type}/${id}/_history`),
      'search-type': async () => {
        const get = await h.get(type);
        const post = await h.request({ method: 'POST', path: `${type}/_search`, form: [] });
        return get.status === 200 && post.status === 200 ? get : post;
      },
      update: () => h.request({ method: 'PUT', path: `${type}/${id}`, body }),
      patch: () => h.request({ method: 'PATCH', path: `${type}/${id}`, body: [] }),
      delete: () => h.request({ method: 'DELETE', path: `${type}/${id}` }),
      create: () => h.request({ method: 'POST', path: type, body }),
      'history-type': () => h.get(`${type}/_history`),
    }[interaction]!();
    return r.status >= 200 && r.status < 300;
  }

  beforeAll(async () => {
    h = await routerHarness();
    cap = (await h.get('metadata')).body;
    resources = (cap.rest as { resource: CapResource[] }[])[0].resource;
  });

  it('is an R4 instance statement in JSON with the request base as implementation url', () => {
    expect(cap).toMatchObject({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: FHIR_VERSION });
    expect(cap.format).toEqual(expect.arrayContaining(['application/fhir+json', 'json']));
    expect((cap.implementation as { url: string }).url).toBe('http://fhir.test/fhir');
    expect(resources.map((r) => r.type)).toEqual([...SERVED_TYPES, 'Group']);
    expect(CAPABILITY_TYPES).toEqual([...SERVED_TYPES, 'Group']);
  });

  it.each([...CAPABILITY_TYPES])('%s: every interaction advertised is served, and every one served is advertised', async (type) => {
    const advertised = resources.find((r) => r.type === type)!.interaction.map((i) => i.code).sort();
    const actuallyServed: string[] = [];
    for (const i of ALL_INTERACTIONS) if (await served(type, i)) actuallyServed.push(i);
    expect(actuallyServed.sort()).toEqual(advertised);
  });

  it('every route in the table is advertised (interactions and operations)', () => {
    for (const route of h.router.routes) {
      if (route.interaction === 'capabilities') continue;
      const types = typesOf(route);
      expect(types.length).toBeGreaterThan(0);
      for (const t of types) {
        const res = resources.find((r) => r.type === t)!;
        const advertised = [...res.interaction.map((i) => i.code), ...(res.operation ?? []).map((o) => `$${o.name}`)];
        const routed = route.interaction ?? `$${route.operation?.name ?? '(neither interaction nor operation)'}`;
        expect(advertised).toContain(routed);
      }
    }
  });

  it('every advertised operation answers', async () => {
    const ops = resources.flatMap((r) => (r.operation ?? []).map((o) => ({ type: r.type, ...o })));
    expect(ops.map((o) => `${o.type}/$${o.name}`)).toEqual(['Patient/$everything', 'Group/$cohort']);
    expect((await h.get(`Patient/${idOf('Patient')}/$everything`)).status).toBe(200);
    expect((await h.get('Group/$cohort?size=3&seed=1')).status).toBe(200);
    expect((await h.request({ method: 'POST', path: 'Group/$cohort', form: [['size', '3'], ['seed', '1']] })).status).toBe(200);
  });

  it.each([...SERVED_TYPES])('%s: every advertised search parameter is accepted in strict mode', async (type) => {
    const params = resources.find((r) => r.type === type)!.searchParam;
    expect(params.length).toBeGreaterThan(5);
    const refused: string[] = [];
    const info = new Map(searchParametersFor(type).map((p) => [p.name, p]));
    for (const p of params) {
      const r = await h.get(`${type}?${probe(p.name, info.get(p.name)?.modifiers ?? [])}&_count=1`, { prefer: 'handling=strict' });
      if (r.status !== 200) refused.push(`${p.name} (${r.status}: ${JSON.stringify(r.body.issue)})`);
    }
    expect(refused).toEqual([]);
  });

  it('a search parameter that is not advertised is refused in strict mode', async () => {
    const r = await h.get('Patient?not-a-param=1', { prefer: 'handling=strict' });
    expect(r.status).toBe(400);
  });

  it('every advertised _include and _revinclude is accepted in strict mode', async () => {
    for (const res of resources) {
      for (const inc of res.searchInclude ?? []) {
        const r = await h.get(`${res.type}?_include=${inc}&_count=1`, { prefer: 'handling=strict' });
        expect([inc, r.status]).toEqual([inc, 200]);
      }
      for (const inc of res.searchRevInclude ?? []) {
        const r = await h.get(`${res.type}?_revinclude=${inc}&_count=1`, { prefer: 'handling=strict' });
        expect([inc, r.status]).toEqual([inc, 200]);
      }
    }
  });
});
