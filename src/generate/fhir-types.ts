/**
 * The FHIR R4 (4.0.1) types the generator produces: @types/fhir's `fhir/r4` module, the one set of
 * R4 types the project uses (the facade's structural `Resource` is this `Resource` plus an index
 * signature for generic reads). See: https://hl7.org/fhir/R4/.
 */
export type {
  Address,
  CodeableConcept,
  Coding,
  Condition,
  ContactPoint,
  DomainResource,
  Encounter,
  Extension,
  HumanName,
  Identifier,
  Meta,
  MedicationRequest,
  Observation,
  ObservationComponent,
  ObservationReferenceRange,
  Patient,
  Period,
  Quantity,
  Reference,
  Resource,
} from 'fhir/r4';

import type { Condition, Encounter, MedicationRequest, Observation, Patient } from 'fhir/r4';

/** The resource types a PatientRecord holds. */
export type GeneratedResource = Patient | Encounter | Observation | Condition | MedicationRequest;
