/**
 * Every generated resource validates against FHIR R4 (@medplum/core validateResource), and a
 * sample spread over all patients validates against the US Core 7.0.0 profile it claims in
 * meta.profile.
 * - US Core: profile validation costs ~4 ms a resource, so each kind (profile + code) is checked
 *   for its first PROFILE_FIRST occurrences and then every PROFILE_STRIDE-th one.
 * - Base R4: every resource whose structure (`shapeOf`: every element and array position, with
 *   digit runs and numbers reduced to their class) has not been validated yet — ~500 of ~24,000.
 *   Base R4 has no terminology, so what the reduction hides are digits inside strings and the
 *   exact numbers; the date-like strings among them are checked, in every resource, against R4's
 *   dateTime/instant syntax and the calendar (`badDates`), and numbers keep their sign and
 *   integrality (positiveInt, unsignedInt, decimal).
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

/** The structure base R4 validation sees: digit runs → "9", numbers → pos | zero | neg | dec. */
function shapeOf(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/[0-9]+/g, '9');
  if (typeof v === 'number') return !Number.isInteger(v) ? 'dec' : v > 0 ? 'pos' : v === 0 ? 'zero' : 'neg';
  if (Array.isArray(v)) return v.map(shapeOf);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shapeOf(x)]));
  return v;
}

/** R4's dateTime syntax (date and instant are subsets of it). https://hl7.org/fhir/R4/datatypes.html#dateTime */
const R4_DATE_TIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;

/** Date-like strings of a resource (`YYYY-MM…`) that break R4's syntax or name a day that does not exist. */
function badDates(v: unknown, path = ''): string[] {
  if (typeof v === 'string') {
    if (!/^\d{4}-\d{2}/.test(v)) return [];
    const [y, m, d] = v.slice(0, 10).split('-').map(Number);
    const realDay = d === undefined || new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
    return R4_DATE_TIME.test(v) && realDay ? [] : [`${path}: ${v}`];
  }
  if (Array.isArray(v)) return v.flatMap((x, i) => badDates(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => badDates(x, path ? `${path}.${k}` : k));
  return [];
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
    expect(lab?.meta?.profile).toEqual(['http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab']);
    const broken = { ...lab!, category: undefined };
    expect(validateAgainstClaims(broken).map((f) => f.profile)).toContain(lab!.meta!.profile![0]);
  });

  it('the reductions can fail: shapes keep structure and number classes, badDates finds impossible dates', () => {
    expect(shapeOf({ a: 'x-12-o3', v: 6.5, n: 2 })).toEqual(shapeOf({ a: 'x-7-o41', v: 0.1, n: 9 }));
    expect(JSON.stringify(shapeOf({ n: 1 }))).not.toBe(JSON.stringify(shapeOf({ n: 0 })));
    expect(JSON.stringify(shapeOf({ a: [1] }))).not.toBe(JSON.stringify(shapeOf({ a: [1, 2] })));
    expect(badDates({ effectiveDateTime: '2024-02-30T10:00:00Z', issued: '2024-13-01T00:00:00Z', birthDate: '1980-02-29' })).toEqual([
      'effectiveDateTime: 2024-02-30T10:00:00Z',
      'issued: 2024-13-01T00:00:00Z',
    ]);
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

  it(`validates ${N_MODEL_PATIENTS} model-sampled and ${N_RANDOM_PATIENTS} schema-random patients (every distinct structure vs R4, a spread sample vs US Core)`, () => {
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
    const shapes = new Set<string>();
    const dates: string[] = [];
    let resources = 0;
    for (const { profile, ctx } of cases) {
      for (const r of allResources(generatePatientRecord(profile, ctx))) {
        resources++;
        const kind = kindOf(r);
        const n = seen.get(kind) ?? 0;
        seen.set(kind, n + 1);
        types.add(r.resourceType);
        dates.push(...badDates(r).map((d) => `${r.resourceType}/${r.id ?? ''} ${d}`));
        const withProfiles = n < PROFILE_FIRST || n % PROFILE_STRIDE === 0;
        const shape = JSON.stringify(shapeOf(r));
        const newShape = !shapes.has(shape);
        shapes.add(shape);
        if (!withProfiles && !newShape) continue;
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
    expect(dates).toEqual([]);
    // The reduction keeps variety: hundreds of distinct structures among ~24,000 resources.
    expect(resources).toBeGreaterThan(20_000);
    expect(shapes.size).toBeGreaterThan(300);
    // The run really covered every resource type and the profiles the schema claims.
    expect([...types].sort()).toEqual(['Condition', 'Encounter', 'MedicationRequest', 'Observation', 'Patient']);
    expect(profiles.size).toBeGreaterThanOrEqual(10);
  });
});
