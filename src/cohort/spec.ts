import { z } from 'zod';

import { InvalidInputError } from '../errors';
import type { WhereJson } from '../schema';
import { canonicalJson, parseIsoDate, sha256Hex } from '../util';

import type { BalanceSpec } from './balance';
import { parseBalance } from './balance';

/**
 * A cohort request: how many patients, from which model, seeded how, "now" when, under which
 * constraints, balanced how. `balance` is optional and absent for "no rebalancing", so specs
 * without it keep the ids they had before it existed (see cohortIdentity).
 * See: docs/ARCHITECTURE.md "Cohorts".
 */
export interface CohortSpec {
  readonly size: number;
  readonly seed: number;
  /** The content hash of the model that generates the patients. */
  readonly modelHash: string;
  /** The cohort's "now" (YYYY-MM-DD): birth dates and encounter dates are relative to it. */
  readonly asOf: string;
  /** Years of history before asOf that generated timelines cover (changes the patients, so part of the identity). */
  readonly lookbackYears: number;
  /** Constraints every patient satisfies, in the `where` language (normalised by the registry). */
  readonly where?: WhereJson;
  /** Strata and their target shares (balance.ts); absent = the population as it is. */
  readonly balance?: BalanceSpec;
  /** A label for people; not part of the cohort's identity (see cohortIdOf). */
  readonly name?: string;
  /**
   * "record": the where holds one record's values (a digital twin cohort, issue 14): support is
   * judged per constraint, not on the joint probability. Part of the identity only when set.
   */
  readonly conditioning?: 'record';
}

/** Bumped only if the identity derivation below changes (it would change every cohort id). */
export const COHORT_SPEC_VERSION = 1;
/** Upper bound on a cohort's size: ids stay short and indexes stay exact integers. */
export const MAX_COHORT_SIZE = 10_000_000;
/** Longest look-back window a cohort may ask for (the config's SYNTHFHIR_LOOKBACK_YEARS bound). */
export const MAX_LOOKBACK_YEARS = 20;
/** Length of a cohort id: 16 base32 characters = 80 bits of sha256, collision-safe for any registry we hold. */
export const COHORT_ID_LENGTH = 16;

const COHORT_ID_RE = new RegExp(`^[a-z2-7]{${COHORT_ID_LENGTH}}$`);

const SPEC_SCHEMA = z
  .object({
    size: z.number().int().min(1).max(MAX_COHORT_SIZE),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    modelHash: z.string().regex(/^[A-Za-z0-9:_-]{8,128}$/, 'must be a model hash'),
    asOf: z.string().refine((s) => parseIsoDate(s) !== undefined, 'must be a date YYYY-MM-DD'),
    lookbackYears: z.number().int().min(1).max(MAX_LOOKBACK_YEARS),
    where: z.record(z.string(), z.unknown()).optional(),
    balance: z.unknown().optional(),
    name: z.string().min(1).max(200).optional(),
    conditioning: z.literal('record').optional(),
  })
  .strict();

/** Validates a cohort spec from JSON; throws InvalidInputError naming every bad field. */
export function parseCohortSpec(json: unknown): CohortSpec {
  const r = SPEC_SCHEMA.safeParse(json);
  // The balance is checked even when other fields fail, so one answer names every bad field.
  const b = parseBalance(typeof json === 'object' && json !== null ? (json as { balance?: unknown }).balance : undefined);
  const issues = [
    ...(r.success ? [] : r.error.issues),
    ...b.issues.map((i) => ({ path: ['balance', ...i.path], message: i.message })),
  ];
  if (!r.success || issues.length > 0) {
    const problems = issues.map((i) => `${i.path.length > 0 ? fieldOf(i.path) : 'spec'}: ${i.message}`).join('; ');
    const fields = [...new Set(issues.filter((i) => i.path.length > 0).map((i) => fieldOf(i.path)))];
    throw new InvalidInputError(`Invalid cohort spec: ${problems}`, fields.length > 0 ? fields : undefined);
  }
  const { size, seed, modelHash, asOf, lookbackYears, where, name, conditioning } = r.data;
  const balance = b.balance;
  return {
    size,
    seed,
    modelHash,
    asOf,
    lookbackYears,
    ...(where !== undefined && Object.keys(where).length > 0 ? { where: where as WhereJson } : {}),
    ...(balance !== undefined ? { balance } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(conditioning !== undefined ? { conditioning } : {}),
  };
}

/** A zod issue path as a field name: `balance.by[0].cuts`, `balance.target["a|b"]`. */
function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_]\w*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/** The fields that decide which patients a cohort holds: everything but its name. */
export function cohortIdentity(spec: CohortSpec): Record<string, unknown> {
  return {
    v: COHORT_SPEC_VERSION,
    size: spec.size,
    seed: spec.seed,
    modelHash: spec.modelHash,
    asOf: spec.asOf,
    lookbackYears: spec.lookbackYears,
    where: spec.where !== undefined && Object.keys(spec.where).length > 0 ? spec.where : undefined,
    // Absent for unbalanced specs: canonicalJson drops undefined keys, so their ids are unchanged.
    balance: spec.balance,
    // Absent (undefined, dropped by canonical JSON) for every cohort before issue 14: ids unchanged.
    conditioning: spec.conditioning,
  };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A cohort's id: the first 80 bits of sha256(canonical identity) in lowercase base32
 * (RFC 4648 alphabet), so the same spec gives the same id on any replica, after any restart.
 * The name is left out: renaming a cohort does not change its patients.
 * See: docs/ARCHITECTURE.md "Cohort ids".
 */
export function cohortIdOf(spec: CohortSpec): string {
  const hex = sha256Hex(canonicalJson(cohortIdentity(spec)));
  let bits = BigInt(`0x${hex.slice(0, (COHORT_ID_LENGTH * 5) / 4)}`);
  let out = '';
  for (let i = 0; i < COHORT_ID_LENGTH; i++) {
    out = BASE32[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** True when a string has the shape of a cohort id (not whether it is registered). */
export function isCohortId(s: string): boolean {
  return COHORT_ID_RE.test(s);
}
