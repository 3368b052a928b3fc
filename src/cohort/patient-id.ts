import { COHORT_ID_LENGTH } from './spec';

/**
 * Patient ids are `<cohortId>-<index>`; every other resource of a patient is `<patientId>-<suffix>`
 * (e.g. `-e3`, `-o12`, `-c0`). Ids are derived, never stored. See: docs/ARCHITECTURE.md "IDs are derived".
 */
const PATIENT_ID_RE = new RegExp(`^([a-z2-7]{${COHORT_ID_LENGTH}})-(0|[1-9][0-9]{0,8})$`);
const OWNED_ID_RE = new RegExp(`^([a-z2-7]{${COHORT_ID_LENGTH}}-(?:0|[1-9][0-9]{0,8}))(?:-[A-Za-z0-9.]+)?$`);

/** The id of patient `index` of a cohort. */
export function patientIdOf(cohortId: string, index: number): string {
  return `${cohortId}-${index}`;
}

/** The cohort and index of a patient id, or undefined when it does not have that shape. */
export function parsePatientId(id: string): { cohortId: string; index: number } | undefined {
  const m = PATIENT_ID_RE.exec(id);
  if (m === null) return undefined;
  return { cohortId: m[1], index: Number(m[2]) };
}

/** The patient a resource id belongs to (itself for a Patient id), or undefined. */
export function ownerPatientId(resourceId: string): string | undefined {
  const m = OWNED_ID_RE.exec(resourceId);
  return m === null ? undefined : m[1];
}
