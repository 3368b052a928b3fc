/**
 * Every generated resource validates against FHIR R4 (@medplum/core validateResource), and a
 * sample spread over all patients validates against the US Core 7.0.0 profile it claims in
 * meta.profile. Profile validation costs ~4 ms a resource, so each kind (profile + code) is
 * checked for its first occurrences and then every PROFILE_STRIDE-th one; base R4 checks all.
 */
import { allResources, generatePatientRecord } from '../../src/generate';
import type { GeneratedResource } from '../../src/generate';
import { NAMED_PROFILES, SCHEMA, contextFor, schemaRandomProfile } from '../unit/generate/fixtures';
import { defaultModel, modelProfile } from '../unit/generate/model-profiles';
import { loadUsCore, validateAgainstClaims } from './support/us-core';
import type { Finding } from './support/us-core';

const N_MODEL_PATIENTS = 200;
const N_RANDOM_PATIENTS = 100;
const PROFILE_FIRST = 20;
const PROFILE_STRIDE = 25;

function kindOf(r: GeneratedResource): string {
  const code = r.resourceType === 'Observation' ? r.code.coding?.[0]?.code : r.resourceType === 'Encounter' ? r.class.code : '';
  return `${r.meta?.profile?.join(',') ?? ''}|${code ?? ''}`;
}

function report(findings: readonly Finding[], resources: ReadonlyMap<string, GeneratedResource>): string {
  const first = findings[0];
  if (!first) return '';
  return `${findings.length} findings; first: ${first.id} vs ${first.profile}: ${first.issues.join('; ')}\n${JSON.stringify(resources.get(first.id), null, 1)}`;
}

describe('generated resources conform to R4 and US Core', () => {
  beforeAll(() => {
    loadUsCore();
  });

  it('catches a violation (negative control: the validator is really checking profiles)', () => {
    const record = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, contextFor(0));
    const lab = record.observations.find((o) => o.category?.[0]?.coding?.[0]?.code === 'laboratory');
    expect(lab).toBeDefined();
    const broken = { ...lab!, category: undefined };
    expect(validateAgainstClaims(broken).map((f) => f.profile)).toContain(lab!.meta!.profile![0]);
  });

  it('validates every resource of the named profiles against R4 and every claimed profile', () => {
    const findings: Finding[] = [];
    const byId = new Map<string, GeneratedResource>();
    Object.values(NAMED_PROFILES).forEach((profile, i) => {
      for (const r of allResources(generatePatientRecord(profile, contextFor(i)))) {
        byId.set(`${r.resourceType}/${r.id ?? ''}`, r);
        findings.push(...validateAgainstClaims(r));
      }
    });
    expect(report(findings, byId)).toBe('');
  });

  it(`validates ${N_MODEL_PATIENTS} model-sampled and ${N_RANDOM_PATIENTS} schema-random patients (all vs R4, a spread sample vs US Core)`, () => {
    const findings: Finding[] = [];
    const byId = new Map<string, GeneratedResource>();
    const seen = new Map<string, number>();
    const types = new Set<string>();
    const profiles = new Set<string>();
    const modelHash = defaultModel().hash;
    const cases = [
      ...Array.from({ length: N_MODEL_PATIENTS }, (_, i) => ({
        profile: modelProfile('conformance', i),
        ctx: contextFor(i, { cohortId: 'conformance', modelHash }),
      })),
      // Schema-random rows reach values and combinations the model rarely draws.
      ...Array.from({ length: N_RANDOM_PATIENTS }, (_, i) => ({
        profile: schemaRandomProfile(SCHEMA, `conformance-${i}`),
        ctx: contextFor(i, { cohortId: 'confrandom' }),
      })),
    ];
    for (const { profile, ctx } of cases) {
      for (const r of allResources(generatePatientRecord(profile, ctx))) {
        const kind = kindOf(r);
        const n = seen.get(kind) ?? 0;
        seen.set(kind, n + 1);
        types.add(r.resourceType);
        const withProfiles = n < PROFILE_FIRST || n % PROFILE_STRIDE === 0;
        const res = withProfiles ? r : { ...r, meta: { ...r.meta, profile: [] } };
        const f = validateAgainstClaims(res);
        if (f.length) {
          byId.set(`${r.resourceType}/${r.id ?? ''}`, r);
          findings.push(...f);
        }
        if (withProfiles) r.meta?.profile?.forEach((p) => profiles.add(p));
      }
    }
    expect(report(findings, byId)).toBe('');
    // The run really covered every resource type and the profiles the schema claims.
    expect([...types].sort()).toEqual(['Condition', 'Encounter', 'MedicationRequest', 'Observation', 'Patient']);
    expect(profiles.size).toBeGreaterThanOrEqual(10);
  });
});
