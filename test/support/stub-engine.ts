import type { ModelLike, PatientEngine, RecordLike, ResourceLike } from '../../src/cohort';
import { InvalidWhereError, UnsupportedSubgroupError } from '../../src/errors';
import { uniform } from '../../src/random';
import type { Row, Schema, WhereJson } from '../../src/schema';
import { addDays, addYears, formatIsoDate, formatIsoDateTime, parseIsoDate } from '../../src/util';

/**
 * A tiny stand-in for model/ + generate/ behind cohort/'s PatientEngine seam: two variables (sex,
 * age_years), a Patient, one Encounter, two Observations and one Condition per patient. Deterministic in the
 * stream it is given, like the real engine, so router, paging and store tests do not wait on the
 * real model. Not a mock of a driver: it implements our own interface.
 */
export const STUB_SCHEMA: Schema = {
  name: 'stub',
  version: '1',
  description: 'test stub',
  source: 'test',
  variables: [
    { name: 'sex', label: 'Sex', kind: 'categorical', group: 'demographics', categories: ['female', 'male'], weight: 'weight_exam' },
    { name: 'age_years', label: 'Age', kind: 'continuous', group: 'demographics', bounds: { min: 0, max: 80 }, weight: 'weight_exam' },
  ],
  derived: [],
};

export const STUB_MODEL: ModelLike = { hash: 'stubmodel0123456789abcdef', schema: STUB_SCHEMA };

export interface StubResource extends ResourceLike {
  readonly resourceType: string;
  readonly id: string;
  readonly [key: string]: unknown;
}

export interface StubRecord extends RecordLike {
  readonly resources: readonly StubResource[];
}

const HTEST = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' };

function meta(asOf: string): Record<string, unknown> {
  return { versionId: '1', lastUpdated: formatIsoDateTime(parseIsoDate(asOf)!), tag: [HTEST] };
}

/** Counts calls so tests can see caching at work. */
export interface StubEngine extends PatientEngine<ModelLike, StubRecord> {
  readonly calls: { prepare: number; generate: number };
}

export function createStubEngine(): StubEngine {
  const calls = { prepare: 0, generate: 0 };
  return {
    calls,
    normaliseWhere(_model, where: WhereJson): WhereJson {
      const out: Record<string, WhereJson[string]> = {};
      for (const [k, v] of Object.entries(where)) {
        if (k === 'sex') {
          const values = Array.isArray(v) ? v : [v];
          for (const x of values) {
            if (x !== 'female' && x !== 'male' && x !== 'none') {
              throw new InvalidWhereError('UNKNOWN_CATEGORY', { value: String(x), name: 'sex', valid: 'female, male' });
            }
          }
          out.sex = values.length === 1 ? (values[0] as string) : (values as string[]);
        } else if (k === 'age_years') {
          out.age_years = v;
        } else {
          throw new InvalidWhereError('UNKNOWN_VARIABLE', { name: k, suggestion: '' });
        }
      }
      return out;
    },
    prepareSampler(_model, where) {
      calls.prepare += 1;
      if (where?.sex === 'none') {
        throw new UnsupportedSubgroupError('UNSUPPORTED_SUBGROUP', { where: JSON.stringify(where), support: 0 });
      }
      const fixedSex = typeof where?.sex === 'string' ? where.sex : undefined;
      const range = (where?.age_years ?? {}) as { gte?: number; lte?: number };
      return {
        sample: (rng): Row => ({
          sex: fixedSex ?? (rng.next() < 0.5 ? 'female' : 'male'),
          age_years: Math.round(uniform(rng, range.gte ?? 0, range.lte ?? 80)),
        }),
      };
    },
    generatePatientRecord(profile, ctx): StubRecord {
      calls.generate += 1;
      const pid = `${ctx.cohortId}-${ctx.index}`;
      const asOfMs = parseIsoDate(ctx.asOf)!;
      const age = profile.age_years as number;
      const visitMs = addDays(asOfMs, -((ctx.index * 37) % 365));
      const resources: StubResource[] = [
        {
          resourceType: 'Patient',
          id: pid,
          meta: meta(ctx.asOf),
          gender: profile.sex,
          birthDate: formatIsoDate(addYears(asOfMs, -age - 0.5)),
        },
        {
          resourceType: 'Encounter',
          id: `${pid}-e0`,
          meta: meta(ctx.asOf),
          status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
          subject: { reference: `Patient/${pid}` },
          period: { start: formatIsoDateTime(visitMs), end: formatIsoDateTime(visitMs + 3_600_000) },
        },
        ...['4548-4', '8867-4'].map((code, k) => ({
          resourceType: 'Observation',
          id: `${pid}-o${k}`,
          meta: meta(ctx.asOf),
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code }] },
          subject: { reference: `Patient/${pid}` },
          encounter: { reference: `Encounter/${pid}-e0` },
          effectiveDateTime: formatIsoDateTime(visitMs),
          valueQuantity: { value: code === '4548-4' ? 5 + (ctx.index % 30) / 10 : 60 + (ctx.index % 41) },
        })),
        {
          resourceType: 'Condition',
          id: `${pid}-c0`,
          meta: meta(ctx.asOf),
          clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
          subject: { reference: `Patient/${pid}` },
          onsetDateTime: formatIsoDateTime(addYears(asOfMs, -1)),
        },
        {
          resourceType: 'MedicationRequest',
          id: `${pid}-m1`,
          meta: meta(ctx.asOf),
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '29046' }] },
          subject: { reference: `Patient/${pid}` },
          authoredOn: formatIsoDateTime(visitMs).slice(0, 10),
          reasonReference: [{ reference: `Condition/${pid}-c0` }],
        },
      ];
      return { patientId: pid, profile, resources };
    },
    allResources: (record) => record.resources,
  };
}
