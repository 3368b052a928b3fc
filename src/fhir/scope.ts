import { ownerPatientId } from '../cohort';

/** Reference parameters that name a resource's patient, per served type. */
const PATIENT_REFERENCE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['subject', 'patient'],
  Encounter: ['subject', 'patient'],
  Condition: ['subject', 'patient'],
  MedicationRequest: ['subject', 'patient'],
};

/** The patient id in a reference value (`Patient/x`, `x`, `http://host/fhir/Patient/x`), or undefined. */
function patientIdInReference(value: string): string | undefined {
  const v = value.replace(/\/_history\/[^/]*$/, '');
  if (!v.includes('/')) return v === '' ? undefined : v;
  const m = /(?:^|\/)Patient\/([^/]+)$/.exec(v);
  return m === null ? undefined : m[1];
}

/**
 * The patients a search is limited to, when one of its top-level parameters pins them
 * (`subject=Patient/x`, `patient=x`, `subject:Patient=x`, `_id=` — repeated parameters intersect),
 * else undefined. A scoped search regenerates only those patients instead of a whole cohort; the
 * search itself still applies every parameter, so scoping only chooses the corpus, never the answer.
 */
export function patientScope(
  resourceType: string,
  params: ReadonlyArray<readonly [string, string]>,
): readonly string[] | undefined {
  let scope: Set<string> | undefined;
  const narrow = (ids: readonly string[]): void => {
    const next = new Set(ids);
    scope = scope === undefined ? next : new Set([...scope].filter((x) => next.has(x)));
  };
  const refParams = PATIENT_REFERENCE_PARAMS[resourceType] ?? [];
  for (const [name, value] of params) {
    if (name.includes('.')) continue; // a chain: not a direct reference
    const [code, modifier, ...rest] = name.split(':');
    if (rest.length > 0) continue;
    const values = value.split(',');
    if (code === '_id' && modifier === undefined) {
      narrow(
        resourceType === 'Patient'
          ? values
          : values.map((v) => ownerPatientId(v)).filter((v): v is string => v !== undefined),
      );
    } else if (refParams.includes(code) && (modifier === undefined || modifier === 'Patient')) {
      narrow(values.map(patientIdInReference).filter((v): v is string => v !== undefined));
    }
  }
  return scope === undefined ? undefined : [...scope];
}
