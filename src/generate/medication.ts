/**
 * MedicationRequest resources (US Core MedicationRequest 7.0.0) for every "taking X now" flag the
 * profile reports: active orders, authored at the patient's latest encounter, for a representative
 * RxNorm ingredient of the class, with the matching diagnosis as reason. Pure: no random draw.
 */
import type { Condition, Encounter, MedicationRequest } from './fhir-types';

import type { Row, Schema } from '../schema';
import { MEDICATION_CATEGORY_COMMUNITY, MEDICATION_CODES, PROFILE } from './codes';
import type { MedicationCode } from './codes';
import { metaFor, referenceTo } from './meta';

/** The requester of every synthetic prescription: a display-only reference (no Practitioner is served). */
export const SYNTHETIC_PRESCRIBER = 'Synthetic prescriber (not a real person)';

/** One medication flag the generator turns into a prescription. */
export interface MedicationSpec extends MedicationCode {
  /** The profile variable ("yes" = currently taking). */
  readonly name: string;
}

/** The medication flags of a schema that have a prescription code (in schema order). */
export function medicationSpecs(schema: Schema): MedicationSpec[] {
  return schema.variables
    .filter((v) => v.fhir?.resource === 'Medication' && MEDICATION_CODES[v.name] !== undefined)
    .map((v) => ({ name: v.name, ...MEDICATION_CODES[v.name] }));
}

export interface MedicationContext {
  readonly patientId: string;
  readonly lastUpdated: string;
  /** The patient's encounters, in time order (the last one authors the orders). */
  readonly encounters: readonly Encounter[];
  /** The patient's Conditions with the variable each came from. */
  readonly conditionsByVariable: ReadonlyMap<string, Condition>;
  /** asOf (YYYY-MM-DD): authoredOn when the patient has no encounter. */
  readonly asOf: string;
}

/** The prescriptions of a profile: one per flag answered "yes". */
export function toMedicationRequests(specs: readonly MedicationSpec[], profile: Row, ctx: MedicationContext): MedicationRequest[] {
  const out: MedicationRequest[] = [];
  const latest = ctx.encounters.length > 0 ? ctx.encounters[ctx.encounters.length - 1] : undefined;
  const authoredOn = latest?.period?.start?.slice(0, 10) ?? ctx.asOf;
  for (const spec of specs) {
    if (profile[spec.name] !== 'yes') continue;
    const reason = spec.reasons.map((r) => ctx.conditionsByVariable.get(r)).find((c) => c !== undefined);
    out.push({
      resourceType: 'MedicationRequest',
      id: `${ctx.patientId}-m${out.length + 1}`,
      meta: metaFor(PROFILE.medicationRequest, ctx.lastUpdated),
      status: 'active',
      intent: 'order',
      category: [{ coding: [{ ...MEDICATION_CATEGORY_COMMUNITY }] }],
      reportedBoolean: false,
      medicationCodeableConcept: { coding: [{ ...spec.code }], text: spec.code.display },
      subject: referenceTo('Patient', ctx.patientId),
      ...(latest?.id !== undefined ? { encounter: referenceTo('Encounter', latest.id) } : {}),
      authoredOn,
      // US Core requires a requester on an order (us-core-21); the prescriber is not modelled.
      requester: { type: 'Practitioner', display: SYNTHETIC_PRESCRIBER },
      ...(reason?.id !== undefined ? { reasonReference: [referenceTo('Condition', reason.id)] } : {}),
    });
  }
  return out;
}
