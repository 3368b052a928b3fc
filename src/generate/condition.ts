/**
 * Condition resources (US Core Condition Problems and Health Concerns 7.0.0) for every diagnosis
 * the profile reports, with onset from the age at diagnosis: a day within that year of age, after
 * birth and before asOf.
 */
import type { Coding, Condition } from './fhir-types';

import { uniform, uniformInt } from '../random';
import type { Rng } from '../random';
import type { Row } from '../schema';
import { MS_PER_DAY, formatIsoDate } from '../util';
import { AGE_TOP_CODE_YEARS, birthdayMs } from './birth-date';
import { CONDITION_CODES, CONDITION_REFINEMENTS, PROFILE } from './codes';
import { metaFor, referenceTo } from './meta';
import type { ConditionSpec } from './plan';

export interface ConditionContext {
  readonly patientId: string;
  readonly lastUpdated: string;
  readonly birthMs: number;
  readonly asOfMs: number;
  /** True completed age at asOf (may exceed the top-code). */
  readonly ageYears: number;
}

/** Whether the profile reports this condition. */
export function hasCondition(spec: ConditionSpec, profile: Row): boolean {
  const v = profile[spec.name];
  return typeof v === 'string' && spec.presentWhen.includes(v);
}

/**
 * Onset date for an age at diagnosis: uniform within that year of age, clipped to
 * [birth, asOf - 1 day]. A top-coded age (80 = "80 or older") spreads over 80..true age.
 */
export function drawOnsetMs(rng: Rng, ageAtDx: number, ctx: ConditionContext): number {
  let age = Math.max(0, Math.floor(ageAtDx));
  if (age >= AGE_TOP_CODE_YEARS && ctx.ageYears > AGE_TOP_CODE_YEARS) {
    age = AGE_TOP_CODE_YEARS + uniformInt(rng, ctx.ageYears - AGE_TOP_CODE_YEARS + 1);
  }
  age = Math.min(age, ctx.ageYears);
  const from = birthdayMs(ctx.birthMs, age);
  const to = Math.min(birthdayMs(ctx.birthMs, age + 1), ctx.asOfMs);
  const ms = uniform(rng, from, to);
  return Math.min(Math.max(ms, ctx.birthMs), ctx.asOfMs - MS_PER_DAY);
}

/**
 * The code of a reported diagnosis: per label when the schema gives one (borderline diabetes →
 * prediabetes), refined by a second variable where one names the site (the first cancer's kind).
 */
export function conditionCodeOf(spec: ConditionSpec, profile: Row): Coding {
  const label = profile[spec.name];
  const refinement = CONDITION_REFINEMENTS[spec.name];
  const site = refinement === undefined ? undefined : profile[refinement.variable];
  const refined = typeof site === 'string' ? refinement?.codes[site] : undefined;
  return refined ?? (typeof label === 'string' ? spec.codeByLabel?.[label] : undefined) ?? spec.code;
}

/** code.text: the display, with the reported site when no site-specific code exists (e.g. "… (bone)"). */
function conditionTextOf(spec: ConditionSpec, profile: Row, code: Coding): string | undefined {
  const refinement = CONDITION_REFINEMENTS[spec.name];
  const site = refinement === undefined ? undefined : profile[refinement.variable];
  if (typeof site === 'string' && refinement?.codes[site] === undefined) return `${code.display ?? ''} (${site.replace(/_/g, ' ')})`;
  return code.display;
}

/** Maps one reported diagnosis to a problem-list Condition. */
export function toCondition(id: string, spec: ConditionSpec, profile: Row, onsetMs: number | undefined, ctx: ConditionContext): Condition {
  const resolved = spec.activeVariable !== undefined && profile[spec.activeVariable] === 'no';
  const code = conditionCodeOf(spec, profile);
  return {
    resourceType: 'Condition',
    id,
    meta: metaFor(PROFILE.conditionProblems, ctx.lastUpdated),
    clinicalStatus: { coding: [{ ...(resolved ? CONDITION_CODES.resolved : CONDITION_CODES.active) }] },
    verificationStatus: { coding: [{ ...CONDITION_CODES.confirmed }] },
    category: [{ coding: [{ ...CONDITION_CODES.problemListItem }] }],
    code: { coding: [{ ...code }], text: conditionTextOf(spec, profile, code) },
    subject: referenceTo('Patient', ctx.patientId),
    ...(onsetMs !== undefined ? { onsetDateTime: formatIsoDate(onsetMs) } : {}),
  };
}
