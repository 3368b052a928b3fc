import { InvalidWhereError, UnsupportedSubgroupError } from '../errors';
import { formatWhere, intersectConstraints, parseWhere } from '../schema';
import type { Constraint, Schema, Where, WhereJson } from '../schema';

import { allocate, StratumBlocks } from './allocation';
import type { BalanceSpec, Level } from './balance';
import { candidateStrata, checkTargetKeys, resolveBy } from './balance';

/** The key of the one stratum of a cohort without balance. */
export const WHOLE_COHORT_STRATUM = 'all';
/** Default of SYNTHFHIR_THIN_STRATUM_RECORDS: strata backed by fewer effective records get a warning. */
export const DEFAULT_THIN_STRATUM_RECORDS = 30;

/** What the model says about a subgroup: P(where) and probability × N_eff (Kish-effective records). */
export interface SupportOf {
  readonly probability: number;
  readonly effectiveRecords: number;
}

/** One stratum of a cohort, as the API reports it and the sampler uses it. */
export interface Stratum {
  /** Levels joined by `|` in `by` order (`mexican_american|female`, `18-40`); `all` without balance. */
  readonly key: string;
  /** The cohort's where ∧ this stratum (normalised), the condition its patients are sampled under. */
  readonly where: WhereJson | undefined;
  /** Patients allocated to it. */
  readonly count: number;
  /** First patient index of its block. */
  readonly start: number;
  /** P(stratum | where) under the model. */
  readonly populationShare: number;
  /** Its share in the cohort, count / size. */
  readonly cohortShare: number;
  /** populationShare / cohortShare; null when the stratum got no patients. */
  readonly weight: number | null;
  /** P(where ∧ stratum). */
  readonly probability: number;
  /** Effective training records behind where ∧ stratum. */
  readonly support: number;
  /** support below the caller's threshold: accepted, with a warning. */
  readonly thin: boolean;
}

/** A cohort's strata in canonical order, with the index → stratum map. */
export interface StrataPlan {
  readonly balanced: boolean;
  readonly strata: readonly Stratum[];
  readonly warnings: readonly string[];
  /** The stratum (position in `strata`) holding patient `index`: O(log S). */
  stratumAt(index: number): number;
}

export interface PlanInput {
  readonly schema: Schema;
  readonly size: number;
  readonly where: WhereJson | undefined;
  readonly balance: BalanceSpec | undefined;
  /** The model's support of a (normalised) where. */
  readonly support: (where: WhereJson | undefined) => SupportOf;
  /** Probability below which the model refuses a subgroup (model/'s PROBABILITY_FLOOR). */
  readonly probabilityFloor: number;
  /** Effective records below which a stratum is thin. */
  readonly thinStratumRecords: number;
}

/**
 * where ∧ levels, normalised; undefined when they contradict each other or the schema (a range bin
 * outside the where's range, `missing` on a constrained variable, male ∧ pregnant).
 */
export function conjoinWhere(schema: Schema, base: Where, levels: readonly (readonly [string, Constraint])[]): WhereJson | undefined {
  const merged = new Map(base.constraints);
  for (const [name, c] of levels) {
    const old = merged.get(name);
    const both = old === undefined ? c : intersectConstraints(old, c);
    if (both === undefined) return undefined;
    merged.set(name, both);
  }
  try {
    return formatWhere(parseWhere(schema, formatWhere({ constraints: merged })));
  } catch (e) {
    if (e instanceof InvalidWhereError || e instanceof UnsupportedSubgroupError) return undefined;
    throw e;
  }
}

function fmt(x: number): string {
  return x === 0 ? '0' : x.toPrecision(3);
}

interface Candidate {
  readonly key: string;
  readonly where: WhereJson | undefined;
  readonly contradicts: boolean;
  readonly probability: number;
  readonly support: number;
}

function thinWarning(s: Stratum, threshold: number): string {
  return (
    `Stratum "${s.key}" is thinly supported: about ${fmt(s.support)} effective training records (threshold ${threshold}); ` +
    `its ${s.count} patients are extrapolated from few records.`
  );
}

function unbalanced(input: PlanInput): StrataPlan {
  const sup = input.support(input.where);
  const stratum: Stratum = {
    key: WHOLE_COHORT_STRATUM,
    where: input.where,
    count: input.size,
    start: 0,
    populationShare: 1,
    cohortShare: 1,
    weight: 1,
    probability: sup.probability,
    support: sup.effectiveRecords,
    thin: sup.effectiveRecords < input.thinStratumRecords,
  };
  return {
    balanced: false,
    strata: [stratum],
    warnings: stratum.thin ? [thinWarning(stratum, input.thinStratumRecords)] : [],
    stratumAt: () => 0,
  };
}

/** The 422 naming every stratum the target asks for, with its support, so one edit fixes the spec. */
function infeasible(targeted: readonly Candidate[], floor: number): UnsupportedSubgroupError {
  const bad = targeted.filter((c) => !(c.probability >= floor));
  const describe = (c: Candidate): string =>
    `${c.key}: ${fmt(c.support)} effective records, probability ${fmt(c.probability)}` +
    (c.contradicts ? ' (contradicts the where or the schema)' : c.probability < floor ? ` (below the floor ${floor})` : '');
  return new UnsupportedSubgroupError(
    'INFEASIBLE_STRATA',
    {
      detail:
        `${bad.length} of ${targeted.length} strata have no training support (${bad.map((c) => c.key).join(', ')}). ` +
        `Every stratum: ${targeted.map(describe).join('; ')}.`,
      strata: targeted.map((c) => ({ key: c.key, probability: c.probability, support: c.support, feasible: c.probability >= floor })),
    },
    ['balance'],
  );
}

/**
 * A cohort's strata: candidates (every combination of levels) conjoined with the where, their
 * model support, the target's shares, the exact allocation and the importance weights. Throws
 * INVALID_INPUT for a balance the schema rejects and INFEASIBLE_STRATA (422) when a stratum the
 * target asks for has probability below the floor. Strata in canonical order (`by` order, then
 * level order: categories as the schema lists them, bins ascending, `missing` last); patients in
 * contiguous blocks in that order. See: src/cohort/README.md "Balance".
 */
export function planStrata(input: PlanInput): StrataPlan {
  const { schema, size, balance } = input;
  if (balance === undefined) return unbalanced(input);
  const by = resolveBy(schema, balance);
  const base = parseWhere(schema, input.where ?? {});
  const combos = candidateStrata(by);
  const target = balance.target;
  if (typeof target !== 'string') checkTargetKeys(target, by, new Set(combos.map((c) => c.key)));
  const candidates: Candidate[] = combos.map(({ key, levels }) => {
    const where = conjoinWhere(
      schema,
      base,
      levels.map((l: Level, i) => [by[i].variable, l.constraint] as const),
    );
    if (where === undefined) return { key, where, contradicts: true, probability: 0, support: 0 };
    const sup = input.support(where);
    return { key, where, contradicts: false, probability: sup.probability, support: sup.effectiveRecords };
  });
  const total = candidates.reduce((a, c) => a + c.probability, 0);
  let targeted: Candidate[];
  let shares: number[];
  if (target === 'uniform' || target === 'population') {
    targeted = candidates.filter((c) => c.probability > 0);
    shares = targeted.map((c) => (target === 'uniform' ? 1 : c.probability));
  } else {
    targeted = candidates.filter((c) => (target[c.key] ?? 0) > 0);
    shares = targeted.map((c) => target[c.key]);
  }
  if (targeted.length === 0 || total <= 0 || targeted.some((c) => !(c.probability >= input.probabilityFloor))) {
    throw infeasible(targeted.length > 0 ? targeted : candidates, input.probabilityFloor);
  }
  const counts = allocate(size, shares);
  let start = 0;
  const strata: Stratum[] = targeted.map((c, i) => {
    const count = counts[i];
    const populationShare = c.probability / total;
    const cohortShare = count / size;
    const s: Stratum = {
      key: c.key,
      where: c.where,
      count,
      start,
      populationShare,
      cohortShare,
      weight: count > 0 ? populationShare / cohortShare : null,
      probability: c.probability,
      support: c.support,
      thin: c.support < input.thinStratumRecords,
    };
    start += count;
    return s;
  });
  const blocks = new StratumBlocks(counts);
  return {
    balanced: true,
    strata,
    warnings: strata.filter((s) => s.thin && s.count > 0).map((s) => thinWarning(s, input.thinStratumRecords)),
    stratumAt: (index) => blocks.stratumOf(index),
  };
}
