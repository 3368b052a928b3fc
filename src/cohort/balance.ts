import { z } from 'zod';

import { InvalidInputError, didYouMean } from '../errors';
import type { Constraint, Schema, Variable } from '../schema';

/**
 * The balance of a cohort: which variables define its strata and what share of the cohort each
 * stratum gets. `target: "uniform"` gives every stratum the same share; explicit shares name
 * strata by key; `target: "population"` with `by` allocates in proportion to the population
 * (strata labelled, weights ≈ 1). Absent, or `"population"` alone, means no rebalancing: the
 * cohort's id is then what it was before balance existed. See: docs/ARCHITECTURE.md "Cohorts"; issue 9 §1.
 */
export type BalanceBy = string | { readonly var: string; readonly cuts: readonly number[] };

export type BalanceTarget = 'uniform' | 'population' | Readonly<Record<string, number>>;

export interface BalanceSpec {
  readonly by: readonly BalanceBy[];
  readonly target: BalanceTarget;
}

/** At most this many `by` variables (strata multiply). */
export const MAX_BALANCE_BY = 4;
/** At most this many cuts per range variable. */
export const MAX_CUTS = 20;
/** At most this many candidate strata (each one costs a support computation at registration). */
export const MAX_STRATA = 256;
/** The level of a `by` variable whose value is absent (missing or not applicable). */
export const MISSING_LEVEL = 'missing';
/** Joins the levels of a stratum key, in `by` order. */
export const STRATUM_SEPARATOR = '|';
/** Shares of an explicit target must sum to 1 within this. */
const SHARE_SUM_TOLERANCE = 1e-6;

const BY_SCHEMA = z.union([
  z.string().min(1),
  z
    .object({
      var: z.string().min(1),
      cuts: z
        .array(z.number().finite())
        .min(1)
        .max(MAX_CUTS)
        .refine((cs) => cs.every((c, i) => i === 0 || c > cs[i - 1]), 'cuts must be strictly increasing'),
    })
    .strict(),
]);

const TARGET_SCHEMA = z.union([
  z.literal('uniform'),
  z.literal('population'),
  z
    .record(z.string().min(1), z.number().finite().min(0).max(1))
    .superRefine((r, ctx) => {
      const sum = Object.values(r).reduce((a, b) => a + b, 0);
      if (Object.keys(r).length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one stratum share' });
      else if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) ctx.addIssue({ code: 'custom', message: `shares must sum to 1, got ${sum}` });
    }),
]);

const BALANCE_OBJECT = z
  .object({
    by: z.array(BY_SCHEMA).max(MAX_BALANCE_BY).optional(),
    target: TARGET_SCHEMA.default('uniform'),
  })
  .strict();

/** A problem with a balance, at a path below `balance`. */
export interface BalanceIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Validates the shape of `balance` (without the schema; see resolveBy) and normalises it:
 * undefined for "no rebalancing" (absent, `"population"`, or `{"target":"population"}` without
 * `by`), so those specs keep their pre-balance cohort ids. Issues carry their path for messages.
 */
export function parseBalance(json: unknown): { readonly balance?: BalanceSpec; readonly issues: readonly BalanceIssue[] } {
  if (json === undefined || json === 'population') return { issues: [] };
  if (typeof json === 'string') return { issues: [{ path: [], message: `must be "population" or an object {by, target}, got ${JSON.stringify(json)}` }] };
  const r = BALANCE_OBJECT.safeParse(json);
  if (!r.success) return { issues: r.error.issues.map((i) => ({ path: i.path, message: i.message })) };
  const by = r.data.by ?? [];
  if (by.length === 0) {
    return r.data.target === 'population' ? { issues: [] } : { issues: [{ path: ['by'], message: 'name at least one variable to balance by' }] };
  }
  return {
    balance: { by: by.map((b) => (typeof b === 'string' ? b : { var: b.var, cuts: [...b.cuts] })), target: r.data.target },
    issues: [],
  };
}

/** One level of one `by` variable: its label in stratum keys and the constraint it stands for. */
export interface Level {
  readonly label: string;
  readonly constraint: Constraint;
}

/** A `by` entry resolved against the schema. */
export interface ResolvedBy {
  readonly variable: string;
  readonly levels: readonly Level[];
}

function formatCut(n: number): string {
  return String(n);
}

/**
 * Range bins of cuts c₀ < … < c_m on reported values, half-open [c_i, c_{i+1}): `<c₀`, `c₀-c₁`, …,
 * `c_m+`. Bins outside the where's range drop out when conjoined with it (see strata.ts).
 */
export function rangeLevels(cuts: readonly number[]): Level[] {
  const out: Level[] = [
    { label: `<${formatCut(cuts[0])}`, constraint: { kind: 'range', lo: -Infinity, hi: cuts[0], loInclusive: false, hiInclusive: false } },
  ];
  for (let i = 0; i + 1 < cuts.length; i++) {
    out.push({
      label: `${formatCut(cuts[i])}-${formatCut(cuts[i + 1])}`,
      constraint: { kind: 'range', lo: cuts[i], hi: cuts[i + 1], loInclusive: true, hiInclusive: false },
    });
  }
  const last = cuts[cuts.length - 1];
  out.push({ label: `${formatCut(last)}+`, constraint: { kind: 'range', lo: last, hi: Infinity, loInclusive: true, hiInclusive: false } });
  return out;
}

function variableFor(schema: Schema, name: string, field: string): Variable {
  const v = schema.variables.find((x) => x.name === name);
  if (v === undefined) {
    throw new InvalidInputError(
      `Invalid cohort spec: ${field}: unknown variable "${name}"${didYouMean(name, schema.variables.map((x) => x.name))}`,
      [field],
    );
  }
  return v;
}

/**
 * Resolves `by` against a schema: each entry's levels (categories in schema order, or range bins in
 * ascending order), then `missing`. Throws INVALID_INPUT naming the field (`balance.by[1]`).
 */
export function resolveBy(schema: Schema, balance: BalanceSpec): ResolvedBy[] {
  const seen = new Set<string>();
  return balance.by.map((entry, i) => {
    const field = `balance.by[${i}]`;
    const name = typeof entry === 'string' ? entry : entry.var;
    const v = variableFor(schema, name, field);
    if (seen.has(name)) throw new InvalidInputError(`Invalid cohort spec: ${field}: "${name}" is listed twice`, [field]);
    seen.add(name);
    const numeric = v.kind === 'continuous' || v.kind === 'count';
    let levels: Level[];
    if (typeof entry === 'string') {
      if (numeric) {
        throw new InvalidInputError(
          `Invalid cohort spec: ${field}: ${name} is ${v.kind}; give range bins, e.g. {"var":"${name}","cuts":[18,40,65]}`,
          [field],
        );
      }
      levels = (v.categories ?? []).map((c) => ({ label: c, constraint: { kind: 'set', values: [c] } }));
    } else {
      if (!numeric) {
        throw new InvalidInputError(
          `Invalid cohort spec: ${field}: ${name} is ${v.kind}; cuts apply to numeric variables, list it by name instead`,
          [field],
        );
      }
      levels = rangeLevels(entry.cuts);
    }
    levels.push({ label: MISSING_LEVEL, constraint: { kind: 'missing' } });
    return { variable: name, levels };
  });
}

/** The candidate strata: every combination of levels, in `by` order then level order. */
export function candidateStrata(by: readonly ResolvedBy[]): { key: string; levels: Level[] }[] {
  let out: { key: string; levels: Level[] }[] = [{ key: '', levels: [] }];
  for (const b of by) {
    out = out.flatMap((s) =>
      b.levels.map((l) => ({ key: s.levels.length === 0 ? l.label : `${s.key}${STRATUM_SEPARATOR}${l.label}`, levels: [...s.levels, l] })),
    );
  }
  if (out.length > MAX_STRATA) {
    throw new InvalidInputError(
      `Invalid cohort spec: balance.by: ${out.length} strata (levels: ${by.map((b) => `${b.variable} ${b.levels.length}`).join(' × ')}); at most ${MAX_STRATA}`,
      ['balance.by'],
    );
  }
  return out;
}

/** Checks an explicit target's keys against the candidate strata; throws naming the first bad one. */
export function checkTargetKeys(target: Readonly<Record<string, number>>, by: readonly ResolvedBy[], keys: ReadonlySet<string>): void {
  for (const key of Object.keys(target)) {
    if (keys.has(key)) continue;
    const field = `balance.target["${key}"]`;
    const parts = key.split(STRATUM_SEPARATOR);
    if (parts.length !== by.length) {
      throw new InvalidInputError(
        `Invalid cohort spec: ${field}: a stratum key has ${by.length} level(s) joined by "${STRATUM_SEPARATOR}" (${by.map((b) => b.variable).join(STRATUM_SEPARATOR)}), got ${parts.length}`,
        [field],
      );
    }
    const i = parts.findIndex((p, j) => !by[j].levels.some((l) => l.label === p));
    const labels = by[i].levels.map((l) => l.label);
    throw new InvalidInputError(
      `Invalid cohort spec: ${field}: "${parts[i]}" is not a level of ${by[i].variable}${didYouMean(parts[i], labels)} (levels: ${labels.join(', ')})`,
      [field],
    );
  }
}
