import type { JsonResource } from '../../support/json';
import { routerHarness } from '../../support/stub-router';
import type { RouterHarness } from '../../support/stub-router';

const MEMBER = 'https://synthfhir.dev/fhir/StructureDefinition/cohort-member';
const WARNING = 'https://synthfhir.dev/fhir/StructureDefinition/cohort-warning';

type Ext = { url: string; valueString?: string; extension?: { url: string; valueString?: string; valueDecimal?: number }[] };

// Group/$cohort with balance, over the stub engine (sexes equally likely, ages uniform on [0, 80]).
describe('Group/$cohort with balance', () => {
  let h: RouterHarness;
  beforeAll(async () => {
    h = await routerHarness();
  });

  it('registers a balanced cohort; members carry stratum and weight, the Group its thin-stratum warnings', async () => {
    const balance = encodeURIComponent(JSON.stringify({ by: ['sex', { var: 'age_years', cuts: [78] }], target: 'uniform' }));
    const r = await h.get(`Group/$cohort?size=8&seed=3&balance=${balance}`);
    expect(r.status).toBe(200);
    const g = r.body as JsonResource & { extension: Ext[]; member: { extension: Ext[]; entity: { reference: string } }[] };
    expect(g.member).toHaveLength(8);
    const strata = g.member.map((m) => m.extension.find((x) => x.url === MEMBER)!.extension!);
    expect(strata.map((s) => s[0].valueString)).toEqual(['female|<78', 'female|<78', 'female|78+', 'female|78+', 'male|<78', 'male|<78', 'male|78+', 'male|78+']);
    // Stub support: 1000 effective records × P; "78+" is 2/80 of each sex → 12.5 records < 30: thin.
    expect(strata[2][1].valueDecimal).toBeCloseTo((0.5 * 2) / 80 / (2 / 8), 12);
    const warnings = g.extension.filter((x) => x.url === WARNING).map((x) => x.valueString);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"female|78+" is thinly supported');
    // One characteristic per stratum: its key, allocated patients and importance weight.
    const strataTexts = ((g.characteristic ?? []) as { code: { text: string }; valueCodeableConcept: { text: string } }[])
      .filter((c) => c.code.text === 'stratum (sex|age_years)')
      .map((c) => c.valueCodeableConcept.text.split(':')[0]);
    expect(strataTexts).toEqual(['female|<78', 'female|78+', 'male|<78', 'male|78+']);
    // The same annotations on a plain read.
    expect((await h.get(`Group/${g.id}`)).body).toEqual(g);
  });

  it('refuses an infeasible balance with a 422 OperationOutcome naming every stratum', async () => {
    const where = encodeURIComponent(JSON.stringify({ sex: 'female' }));
    const balance = encodeURIComponent(JSON.stringify({ by: ['sex'], target: { male: 0.5, female: 0.5 } }));
    const r = await h.get(`Group/$cohort?size=8&seed=3&where=${where}&balance=${balance}`);
    expect(r.status).toBe(422);
    const issue = (r.body.issue as { code: string; diagnostics: string; expression: string[] }[])[0];
    expect(issue.code).toBe('business-rule');
    expect(issue.diagnostics).toContain('male: 0 effective records');
    expect(issue.diagnostics).toContain('female: 500 effective records');
    expect(issue.expression).toEqual(['balance']);
  });

  it('answers a balance that is not JSON, or malformed, with a 400 naming balance', async () => {
    const bad = await h.get('Group/$cohort?size=8&seed=3&balance=%7Bby');
    expect(bad.status).toBe(400);
    expect((bad.body.issue as { expression: string[] }[])[0].expression).toEqual(['balance']);
    const cuts = await h.get(`Group/$cohort?size=8&seed=3&balance=${encodeURIComponent('{"by":[{"var":"age_years","cuts":[5,1]}]}')}`);
    expect(cuts.status).toBe(400);
    expect((cuts.body.issue as { expression: string[] }[])[0].expression).toEqual(['balance.by[0].cuts']);
  });

  it('leaves unbalanced Groups as they were: no member or warning extensions', async () => {
    const r = await h.get('Group/$cohort?size=3&seed=1');
    expect(JSON.stringify(r.body)).not.toContain('cohort-member');
    expect(JSON.stringify(r.body)).not.toContain('cohort-warning');
  });
});
