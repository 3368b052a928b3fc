/** generate/: profile → PatientRecord (Patient, Encounters, Observations, Conditions, MedicationRequests). Pure. */
export type { PatientRecord, GenerateContext } from './types';
export { generatePatientRecord, allResources, GENERATOR_VERSION, STREAM_PARTS } from './record';
export type { StreamPart } from './record';
export type {
  Coding,
  CodeableConcept,
  Quantity,
  Reference,
  Meta,
  Extension,
  Resource,
  Patient,
  Encounter,
  Observation,
  ObservationComponent,
  Condition,
  MedicationRequest,
  GeneratedResource,
} from './fhir-types';
export { CANCER_SITE_CODES, MEDICATION_CODES, RXNORM } from './codes';
export { SYNTHETIC_PRESCRIBER } from './medication';
