import type { Cohort, CohortService, ModelLike, RecordLike } from '../../cohort';
import { patientIdOf } from '../../cohort';
import type { WhereValue } from '../../schema';
import { canonicalJson } from '../../util';
import type { Group, GroupCharacteristic } from '../types';

/** HTEST: every resource says it is test data. See: docs/ARCHITECTURE.md "The FHIR facade". */
const HTEST = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' };
/** Identifier system of cohort ids. */
export const COHORT_IDENTIFIER_SYSTEM = 'urn:synthfhir:cohort';
/** Extension carrying the cohort's full spec (canonical JSON), so a Group can be re-posted as-is. */
export const COHORT_SPEC_EXTENSION = 'https://synthfhir.dev/fhir/StructureDefinition/cohort-spec';
/** A warning about a cohort (a thinly supported stratum): one extension per warning. */
export const COHORT_WARNING_EXTENSION = 'https://synthfhir.dev/fhir/StructureDefinition/cohort-warning';
/** A balanced cohort member's stratum and importance weight (profiles/StructureDefinition-cohort-member.json). */
export const COHORT_MEMBER_EXTENSION = 'https://synthfhir.dev/fhir/StructureDefinition/cohort-member';

/** What a Group shows beyond the spec: warnings, and each member's stratum and weight when balanced. */
export interface GroupAnnotations {
  readonly warnings?: readonly string[];
  readonly memberOf?: (index: number) => { readonly stratum: string; readonly weight: number };
  /** A balanced cohort's strata (key, patients, importance weight), shown as characteristics. */
  readonly strata?: readonly { readonly key: string; readonly count: number; readonly weight: number | null }[];
}

/** One characteristic per stratum of a balanced cohort: its key, allocated patients and weight. */
function strataCharacteristics(by: string, strata: NonNullable<GroupAnnotations['strata']>): GroupCharacteristic[] {
  return strata.map((st) => ({
    code: { text: `stratum (${by})` },
    valueCodeableConcept: { text: `${st.key}: ${st.count} patients, importance weight ${st.weight === null ? 'none' : String(st.weight)}` },
    exclude: false,
  }));
}

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
 * when there are at most MAX_LISTED_MEMBERS, the spec in an extension. See: docs/ARCHITECTURE.md "Cohorts".
 */
export function toGroup(cohort: Cohort, annotations: GroupAnnotations = {}): Group {
  const { spec } = cohort;
  const memberOf = spec.balance !== undefined ? annotations.memberOf : undefined;
  const memberExtension = (i: number): Record<string, unknown> => {
    if (memberOf === undefined) return {};
    const m = memberOf(i);
    return {
      extension: [
        { url: COHORT_MEMBER_EXTENSION, extension: [{ url: 'stratum', valueString: m.stratum }, { url: 'weight', valueDecimal: m.weight }] },
      ],
    };
  };
  const members =
    spec.size <= MAX_LISTED_MEMBERS
      ? Array.from({ length: spec.size }, (_, i) => ({ ...memberExtension(i), entity: { reference: `Patient/${patientIdOf(cohort.id, i)}` } }))
      : undefined;
  const warnings = (annotations.warnings ?? []).map((w) => ({ url: COHORT_WARNING_EXTENSION, valueString: w }));
  const by = spec.balance?.by.map((b) => (typeof b === 'string' ? b : b.var)).join('|') ?? '';
  const characteristics = [
    ...Object.entries(spec.where ?? {}).map(([k, v]) => characteristic(k, v)),
    ...(spec.balance !== undefined && annotations.strata !== undefined ? strataCharacteristics(by, annotations.strata) : []),
  ];
  return {
    resourceType: 'Group',
    id: cohort.id,
    meta: { versionId: '1', lastUpdated: `${spec.asOf}T00:00:00Z`, tag: [HTEST] },
    extension: [{ url: COHORT_SPEC_EXTENSION, valueString: canonicalJson(spec) }, ...warnings],
    identifier: [{ system: COHORT_IDENTIFIER_SYSTEM, value: cohort.id }],
    active: true,
    type: 'person',
    actual: true,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    quantity: spec.size,
    ...(characteristics.length > 0 ? { characteristic: characteristics } : {}),
    ...(members !== undefined ? { member: members } : {}),
  };
}

/** What a Group shows of a cohort beyond its spec: thin-stratum warnings, each member's stratum and weight. */
export function groupAnnotationsOf(cohorts: CohortService<ModelLike, RecordLike>, cohort: Cohort): GroupAnnotations {
  return {
    warnings: cohorts.warningsOf(cohort),
    memberOf: (i) => cohorts.memberOf(cohort, i),
    ...(cohort.spec.balance !== undefined ? { strata: cohorts.strataOf(cohort) } : {}),
  };
}
