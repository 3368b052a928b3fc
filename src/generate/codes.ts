/**
 * Code systems, profiles and fixed codings the generator writes. Codes the schema carries
 * (LOINC/SNOMED per variable) come from the schema; these are the ones it does not: resource
 * plumbing (HTEST tag, categories, encounter classes), the US Core race/ethnicity mapping of the
 * NHANES RIDRETH3 labels, marital status and smoking-status fallbacks.
 * See: US Core 7.0.0 (hl7.fhir.us.core), FHIR R4 terminology (terminology.hl7.org).
 */
import type { RaceEthnicityCodes } from '../schema';
import type { Coding } from './fhir-types';

export const SYSTEM = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  maritalStatus: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
  nullFlavor: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  cdcRace: 'urn:oid:2.16.840.1.113883.6.238',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  /** The project's own MRN namespace (synthetic identifiers only). */
  mrn: 'https://synthfhir.dev/fhir/mrn',
} as const;

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition/';

export const PROFILE = {
  patient: `${US_CORE}us-core-patient`,
  encounter: `${US_CORE}us-core-encounter`,
  conditionProblems: `${US_CORE}us-core-condition-problems-health-concerns`,
  observationLab: `${US_CORE}us-core-observation-lab`,
  vitalSigns: `${US_CORE}us-core-vital-signs`,
  bloodPressure: `${US_CORE}us-core-blood-pressure`,
  smokingStatus: `${US_CORE}us-core-smokingstatus`,
  clinicalResult: `${US_CORE}us-core-observation-clinical-result`,
  screeningAssessment: `${US_CORE}us-core-observation-screening-assessment`,
  simpleObservation: `${US_CORE}us-core-simple-observation`,
  medicationRequest: `${US_CORE}us-core-medicationrequest`,
} as const;

export const EXTENSION = {
  race: `${US_CORE}us-core-race`,
  ethnicity: `${US_CORE}us-core-ethnicity`,
  birthSex: `${US_CORE}us-core-birthsex`,
  /** A balanced cohort's stratum and importance weight (profiles/StructureDefinition-cohort-member.json). */
  cohortMember: 'https://synthfhir.dev/fhir/StructureDefinition/cohort-member',
} as const;

/** meta.tag on every resource: synthetic data can never pass as real. See: docs/ARCHITECTURE.md "The FHIR facade". */
export const HTEST_TAG: Readonly<Coding> = {
  system: SYSTEM.actReason,
  code: 'HTEST',
  display: 'test health data',
};

/** Encounter classes (v3-ActCode). */
export const ENCOUNTER_CLASS = {
  AMB: { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
  EMER: { system: SYSTEM.actCode, code: 'EMER', display: 'emergency' },
  IMP: { system: SYSTEM.actCode, code: 'IMP', display: 'inpatient encounter' },
} as const satisfies Record<string, Coding>;

/** Encounter types (SNOMED CT procedures, displays without the semantic tag). */
export const ENCOUNTER_TYPE = {
  checkUp: { system: SYSTEM.snomed, code: '185349003', display: 'Encounter for check up' },
  followUp: { system: SYSTEM.snomed, code: '390906007', display: 'Follow-up encounter' },
  emergency: { system: SYSTEM.snomed, code: '50849002', display: 'Emergency room admission' },
  admission: { system: SYSTEM.snomed, code: '32485007', display: 'Hospital admission' },
} as const satisfies Record<string, Coding>;

/** v3-ObservationInterpretation codes used against a reference range. */
export const INTERPRETATION = {
  H: { system: SYSTEM.interpretation, code: 'H', display: 'High' },
  L: { system: SYSTEM.interpretation, code: 'L', display: 'Low' },
  N: { system: SYSTEM.interpretation, code: 'N', display: 'Normal' },
} as const satisfies Record<string, Coding>;

/**
 * Observation.referenceRange.appliesTo for a sex-specific range (SNOMED CT findings, as in the R4
 * "Observation Reference Range Applies To" example value set).
 */
export const REFERENCE_RANGE_SEX = {
  female: { system: SYSTEM.snomed, code: '248152002', display: 'Female' },
  male: { system: SYSTEM.snomed, code: '248153007', display: 'Male' },
} as const satisfies Record<string, Coding>;

/** Display of each observation-category code (terminology.hl7.org observation-category). */
export const OBSERVATION_CATEGORY_DISPLAY: Readonly<Record<string, string>> = {
  'vital-signs': 'Vital Signs',
  laboratory: 'Laboratory',
  'social-history': 'Social History',
  survey: 'Survey',
  exam: 'Exam',
};

/** The US Core problem-list category and clinical/verification statuses. */
export const CONDITION_CODES = {
  problemListItem: { system: SYSTEM.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' },
  active: { system: SYSTEM.conditionClinical, code: 'active', display: 'Active' },
  resolved: { system: SYSTEM.conditionClinical, code: 'resolved', display: 'Resolved' },
  confirmed: { system: SYSTEM.conditionVerification, code: 'confirmed', display: 'Confirmed' },
} as const satisfies Record<string, Coding>;

/** Identifier type MR (HL7 v2 table 0203). */
export const MRN_TYPE: Readonly<Coding> = {
  system: SYSTEM.identifierType,
  code: 'MR',
  display: 'Medical record number',
};

const HISPANIC = { system: SYSTEM.cdcRace, code: '2135-2', display: 'Hispanic or Latino' } as const;
const NOT_HISPANIC = { system: SYSTEM.cdcRace, code: '2186-5', display: 'Not Hispanic or Latino' } as const;
const UNKNOWN_RACE = { system: SYSTEM.nullFlavor, code: 'UNK', display: 'Unknown' } as const;

/**
 * Fallback when the schema carries no raceEthnicityCodes: NHANES RIDRETH3 labels → US Core race
 * and ethnicity (CDC Race & Ethnicity code set, OMB categories). RIDRETH3 gives no race for
 * Hispanic respondents and pools "other or multiracial", so those carry race UNK
 * (v3-NullFlavor), never an invented race. Same shape as the schema's RaceEthnicityCodes.
 */
export const RACE_ETHNICITY: Readonly<Record<string, RaceEthnicityCodes>> = {
  mexican_american: {
    race: [UNKNOWN_RACE],
    raceText: 'Unknown',
    ethnicity: [HISPANIC, { system: SYSTEM.cdcRace, code: '2148-5', display: 'Mexican' }],
    ethnicityText: 'Mexican American',
  },
  other_hispanic: { race: [UNKNOWN_RACE], raceText: 'Unknown', ethnicity: [HISPANIC], ethnicityText: 'Other Hispanic' },
  non_hispanic_white: {
    race: [{ system: SYSTEM.cdcRace, code: '2106-3', display: 'White' }],
    raceText: 'White',
    ethnicity: [NOT_HISPANIC],
    ethnicityText: 'Not Hispanic or Latino',
  },
  non_hispanic_black: {
    race: [{ system: SYSTEM.cdcRace, code: '2054-5', display: 'Black or African American' }],
    raceText: 'Black or African American',
    ethnicity: [NOT_HISPANIC],
    ethnicityText: 'Not Hispanic or Latino',
  },
  non_hispanic_asian: {
    race: [{ system: SYSTEM.cdcRace, code: '2028-9', display: 'Asian' }],
    raceText: 'Asian',
    ethnicity: [NOT_HISPANIC],
    ethnicityText: 'Not Hispanic or Latino',
  },
  other_or_multiracial: {
    race: [UNKNOWN_RACE],
    raceText: 'Other race or multiracial',
    ethnicity: [NOT_HISPANIC],
    ethnicityText: 'Not Hispanic or Latino',
  },
};

/** NHANES DMDMARTL labels → v3-MaritalStatus, used when the schema gives no valueCodes. */
export const MARITAL_STATUS: Readonly<Record<string, Coding>> = {
  married: { system: SYSTEM.maritalStatus, code: 'M', display: 'Married' },
  widowed: { system: SYSTEM.maritalStatus, code: 'W', display: 'Widowed' },
  divorced: { system: SYSTEM.maritalStatus, code: 'D', display: 'Divorced' },
  separated: { system: SYSTEM.maritalStatus, code: 'L', display: 'Legally Separated' },
  never_married: { system: SYSTEM.maritalStatus, code: 'S', display: 'Never Married' },
  living_with_partner: { system: SYSTEM.maritalStatus, code: 'T', display: 'Domestic partner' },
};

/**
 * LOINC codes of waist circumference: 56114-2 "by NHANES" (iliac crest, the NHANES protocol; the
 * shipped schema) and 8280-0 "at umbilicus" (what models fitted before the fix embed). Schedules,
 * variation and growth key on codes, so both must be listed or waist silently loses them.
 */
export const WAIST_CIRCUMFERENCE_LOINC: readonly string[] = ['56114-2', '8280-0'];

/** LOINC 72166-2 "Tobacco smoking status" (its Observations claim US Core Smoking Status). */
export const SMOKING_STATUS_CODE: Readonly<Coding> = {
  system: SYSTEM.loinc,
  code: '72166-2',
  display: 'Tobacco smoking status',
};

/** RxNorm, the US Core binding of MedicationRequest.medication[x]. See: https://www.nlm.nih.gov/research/umls/rxnorm/ */
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** A medication flag of the profile ("taking X now" = yes) as a prescription. */
export interface MedicationCode {
  /** RxNorm ingredient (TTY=IN) of a representative drug of the class. */
  readonly code: Coding;
  /** Condition variables whose Condition, when present, is the prescription's reason (first present wins). */
  readonly reasons: readonly string[];
}

/**
 * The drug class each NHANES medication flag names, represented by its most prescribed ingredient
 * in the US (ClinCalc DrugStats Top 300 of 2021, from MEPS: atorvastatin #1 overall, metformin the
 * top oral antidiabetic, lisinopril the top antihypertensive, insulin glargine the top insulin).
 * RXCUIs are RxNorm ingredient concepts (RxNav, NLM): 274783 insulin glargine, 6809 metformin,
 * 29046 lisinopril, 83367 atorvastatin. The class itself stays in the schema's coding.
 */
export const MEDICATION_CODES: Readonly<Record<string, MedicationCode>> = {
  insulin_now: { code: { system: RXNORM, code: '274783', display: 'insulin glargine' }, reasons: ['diabetes_dx'] },
  diabetes_pills_now: { code: { system: RXNORM, code: '6809', display: 'metformin' }, reasons: ['diabetes_dx', 'prediabetes_dx'] },
  hypertension_rx_now: { code: { system: RXNORM, code: '29046', display: 'lisinopril' }, reasons: ['hypertension_dx'] },
  cholesterol_rx_now: { code: { system: RXNORM, code: '83367', display: 'atorvastatin' }, reasons: ['high_cholesterol_dx'] },
};

/** MedicationRequest.category (US Core): community = taken at home (the NHANES questions ask about current use). */
export const MEDICATION_CATEGORY_COMMUNITY: Readonly<Coding> = {
  system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  code: 'community',
  display: 'Community',
};

const sct = (code: string, display: string): Coding => ({ system: SYSTEM.snomed, code, display });

/**
 * SNOMED CT site-specific malignancy codes for NHANES `cancer_first_type` (MCQ230A) labels: the
 * cancer Condition carries the site of the first reported cancer. Codes are SNOMED CT disorders
 * under 363346000 "Malignant neoplastic disease" (SNOMED International browser, 2024 release).
 * Labels with no single site concept (blood, bone, brain, nervous system, skin of unknown kind,
 * non-melanoma skin, soft tissue, mouth, gallbladder, uterus, other, more than 3 kinds) keep the
 * general code, with the site named in code.text.
 */
export const CANCER_SITE_CODES: Readonly<Record<string, Coding>> = {
  bladder: sct('399326009', 'Malignant neoplasm of urinary bladder'),
  breast: sct('254837009', 'Malignant neoplasm of breast'),
  cervix: sct('363354003', 'Malignant neoplasm of cervix uteri'),
  colon: sct('363406005', 'Malignant neoplasm of colon'),
  esophagus: sct('363402007', 'Malignant neoplasm of esophagus'),
  kidney: sct('363518003', 'Malignant neoplasm of kidney'),
  larynx_windpipe: sct('363429002', 'Malignant neoplasm of larynx'),
  leukemia: sct('93143009', 'Leukemia'),
  liver: sct('93870000', 'Malignant neoplasm of liver'),
  lung: sct('363358000', 'Malignant neoplasm of lung'),
  lymphoma_hodgkins: sct('118599009', "Hodgkin's disease"),
  melanoma: sct('372244006', 'Malignant melanoma'),
  ovary: sct('363443007', 'Malignant neoplasm of ovary'),
  pancreas: sct('363418001', 'Malignant neoplasm of pancreas'),
  prostate: sct('399068003', 'Malignant neoplasm of prostate'),
  rectum: sct('363351006', 'Malignant neoplasm of rectum'),
  stomach: sct('363349007', 'Malignant neoplasm of stomach'),
  testis: sct('363449006', 'Malignant neoplasm of testis'),
  thyroid: sct('363478007', 'Malignant neoplasm of thyroid gland'),
};

/** Conditions whose code a second variable refines (the site of a cancer). */
export const CONDITION_REFINEMENTS: Readonly<Record<string, { readonly variable: string; readonly codes: Readonly<Record<string, Coding>> }>> = {
  cancer_dx: { variable: 'cancer_first_type', codes: CANCER_SITE_CODES },
};
