import type { Condition, Encounter, MedicationRequest, Observation, Patient } from './fhir-types';

import type { Row, Schema } from '../schema';

/**
 * One synthetic patient: the sampled profile (who they are at asOf) and its FHIR history.
 * Treat as immutable: caches share these objects. See: docs/CONTRACTS.md "generate/".
 */
export interface PatientRecord {
  readonly patientId: string;
  readonly profile: Row;
  readonly patient: Patient;
  readonly encounters: readonly Encounter[];
  readonly observations: readonly Observation[];
  readonly conditions: readonly Condition[];
  /** Active prescriptions for the profile's "taking X now" flags. */
  readonly medications: readonly MedicationRequest[];
}

/** Everything a record depends on besides the profile; with it, generation is a pure function. */
export interface GenerateContext {
  readonly schema: Schema;
  readonly modelHash: string;
  readonly cohortId: string;
  readonly index: number;
  /** "Now" for this cohort, YYYY-MM-DD (UTC). Every generated instant is before its midnight. */
  readonly asOf: string;
  /** Length of the encounter history, in years before asOf (default 3 in config). */
  readonly lookbackYears: number;
}
