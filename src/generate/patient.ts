/**
 * The Patient resource (US Core Patient 7.0.0): MRN, name, telecom, gender, birth date, address,
 * marital status, and the US Core race, ethnicity and birth-sex extensions.
 */
import type { Extension, Patient } from './fhir-types';

import type { RaceEthnicityCodes, Row } from '../schema';
import { EXTENSION, MARITAL_STATUS, MRN_TYPE, PROFILE, SYSTEM } from './codes';
import { metaFor } from './meta';
import type { Demographics } from './names';
import type { PatientSpec } from './plan';

export interface PatientInput {
  readonly id: string;
  readonly lastUpdated: string;
  readonly profile: Row;
  readonly spec: PatientSpec;
  readonly birthDate: string;
  readonly demographics: Demographics;
  /** Stratum and weight of a balanced cohort's patient (GenerateContext.cohortMember). */
  readonly cohortMember?: { readonly stratum: string; readonly weight: number };
}

function raceEthnicityExtensions(re: RaceEthnicityCodes | undefined): Extension[] {
  if (!re) return [];
  const [ethnicityOmb, ...ethnicityDetailed] = re.ethnicity;
  const race: Extension = {
    url: EXTENSION.race,
    extension: [
      ...re.race.map((c) => ({ url: 'ombCategory', valueCoding: { ...c } })),
      { url: 'text', valueString: re.raceText },
    ],
  };
  const ethnicity: Extension = {
    url: EXTENSION.ethnicity,
    extension: [
      ...(ethnicityOmb ? [{ url: 'ombCategory', valueCoding: { ...ethnicityOmb } }] : []),
      ...ethnicityDetailed.map((c) => ({ url: 'detailed', valueCoding: { ...c } })),
      { url: 'text', valueString: re.ethnicityText },
    ],
  };
  return [race, ethnicity];
}

const GENDERS = new Set(['male', 'female', 'other', 'unknown']);

/** Maps the profile's demographic variables to a US Core Patient. */
export function toPatient(input: PatientInput): Patient {
  const { profile, spec, demographics: d } = input;
  const sex = profile[spec.sex];
  const sexCode = typeof sex === 'string' ? (spec.genderCodes?.[sex]?.code ?? sex) : undefined;
  const gender = sexCode !== undefined && GENDERS.has(sexCode) ? (sexCode as NonNullable<Patient['gender']>) : 'unknown';
  const raceLabel = profile[spec.raceEthnicity];
  const extension = raceEthnicityExtensions(typeof raceLabel === 'string' ? spec.raceCodes[raceLabel] : undefined);
  if (gender === 'female' || gender === 'male') extension.push({ url: EXTENSION.birthSex, valueCode: gender === 'female' ? 'F' : 'M' });
  if (input.cohortMember !== undefined) {
    extension.push({
      url: EXTENSION.cohortMember,
      extension: [
        { url: 'stratum', valueString: input.cohortMember.stratum },
        { url: 'weight', valueDecimal: input.cohortMember.weight },
      ],
    });
  }
  const maritalLabel = profile[spec.maritalStatus];
  const marital =
    typeof maritalLabel === 'string' ? (spec.maritalCodes?.[maritalLabel] ?? MARITAL_STATUS[maritalLabel]) : undefined;
  const patient: Patient = {
    resourceType: 'Patient',
    id: input.id,
    meta: metaFor(PROFILE.patient, input.lastUpdated),
    ...(extension.length ? { extension } : {}),
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ ...MRN_TYPE }], text: MRN_TYPE.display },
        system: SYSTEM.mrn,
        value: d.mrn,
      },
    ],
    active: true,
    name: [{ use: 'official', family: d.family, given: [d.given] }],
    telecom: [{ system: 'phone', value: d.phone, use: 'home' }],
    gender,
    birthDate: input.birthDate,
    address: [
      { use: 'home', type: 'physical', line: [d.line], city: d.city, state: d.state, postalCode: d.postalCode, country: 'US' },
    ],
    ...(marital ? { maritalStatus: { coding: [{ ...marital }], text: marital.display } } : {}),
  };
  return patient;
}
