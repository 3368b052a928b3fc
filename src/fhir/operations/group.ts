import type { Cohort } from '../../cohort';
import { patientIdOf } from '../../cohort';
import type { WhereValue } from '../../schema';
import { canonicalJson } from '../../util';
import type { Group, GroupCharacteristic } from '../types';

/** HTEST: every resource says it is test data. See: DESIGN.md "FHIR facade". */
const HTEST = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' };
/** Identifier system of cohort ids. */
export const COHORT_IDENTIFIER_SYSTEM = 'urn:synthfhir:cohort';
/** Extension carrying the cohort's full spec (canonical JSON), so a Group can be re-posted as-is. */
export const COHORT_SPEC_EXTENSION = 'https://synthfhir.dev/fhir/StructureDefinition/cohort-spec';
/** Groups list their members only up to this size; larger cohorts are paged through Patient ids. */
export const MAX_LISTED_MEMBERS = 1000;

type Range = { gt?: number; gte?: number; lt?: number; lte?: number };

/** One Group.characteristic for one constraint of the where (R4 needs code, value[x], exclude). */
function characteristic(name: string, value: WhereValue): GroupCharacteristic {
  const code = { text: name };
  if (typeof value === 'string') return { code, valueCodeableConcept: { text: value }, exclude: false };
  if (typeof value === 'number') return { code, valueQuantity: { value }, exclude: false };
  if (Array.isArray(value)) return { code, valueCodeableConcept: { text: value.join(' or ') }, exclude: false };
  if ('missing' in value) return { code: { text: `${name} recorded` }, valueBoolean: !value.missing, exclude: false };
  const r = value as Range;
  const low = r.gte ?? r.gt;
  const high = r.lte ?? r.lt;
  // valueRange bounds are inclusive; exclusive ends are kept exactly in the spec extension.
  return {
    code,
    valueRange: { ...(low !== undefined ? { low: { value: low } } : {}), ...(high !== undefined ? { high: { value: high } } : {}) },
    exclude: false,
  };
}

/**
 * A cohort as an actual Group: quantity = size, one characteristic per where constraint, members
 * when there are at most MAX_LISTED_MEMBERS, the spec in an extension. See: DESIGN.md "Cohorts".
 */
export function toGroup(cohort: Cohort): Group {
  const { spec } = cohort;
  const members =
    spec.size <= MAX_LISTED_MEMBERS
      ? Array.from({ length: spec.size }, (_, i) => ({ entity: { reference: `Patient/${patientIdOf(cohort.id, i)}` } }))
      : undefined;
  return {
    resourceType: 'Group',
    id: cohort.id,
    meta: { versionId: '1', lastUpdated: `${spec.asOf}T00:00:00Z`, tag: [HTEST] },
    extension: [{ url: COHORT_SPEC_EXTENSION, valueString: canonicalJson(spec) }],
    identifier: [{ system: COHORT_IDENTIFIER_SYSTEM, value: cohort.id }],
    active: true,
    type: 'person',
    actual: true,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    quantity: spec.size,
    ...(spec.where !== undefined ? { characteristic: Object.entries(spec.where).map(([k, v]) => characteristic(k, v)) } : {}),
    ...(members !== undefined ? { member: members } : {}),
  };
}
