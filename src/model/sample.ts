import { impliedConstraints, isWhere, parseWhere, formatWhere, describeConstraint } from '../schema';
import type { Row, Where, WhereJson } from '../schema';
import { streamFor } from '../random';
import type { StreamKey } from '../random';
import { canonicalJson } from '../util';
import { branchesOf, ruleClauseDoms } from './branches';
import type { Model } from './model';
import { buildSampler, gateTestsOf, unsupported } from './sampler';
import type { Sampler } from './sampler';

/**
 * Subgroups with probability below this are refused (422): a one-in-a-million subgroup of a model
 * fitted on ~10k records has no training support at all. See: DESIGN.md "The model".
 */
export const PROBABILITY_FLOOR = 1e-6;
/** Prepared samplers kept per model (insertion order eviction). */
export const SAMPLER_CACHE_SIZE = 64;
/** Largest subset of constraints searched when naming the ones at fault. */
const CULPRIT_SUBSET_MAX = 3;

const EMPTY_WHERE: Where = { constraints: new Map() };

function parse(model: Model, where: Where | WhereJson | undefined): Where {
  if (where === undefined) return EMPTY_WHERE;
  return isWhere(where) ? where : parseWhere(model.schema, where);
}

/** Probability of a parsed where (no floor). */
function probabilityOf(model: Model, where: Where): number {
  return unflooredSampler(model, where).probability;
}

function unflooredSampler(model: Model, where: Where): Sampler {
  const implied = impliedConstraints(model.schema, where);
  const branches = branchesOf(model.compiled, implied);
  const gates = gateTestsOf(model.compiled, (i) => ruleClauseDoms(model.compiled, i));
  return buildSampler(model.compiled, where, branches, gates);
}

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  items.forEach((x, i) => {
    for (const rest of subsets(items.slice(i + 1), size - 1)) out.push([x, ...rest]);
  });
  return out;
}

/** Names the smallest sets of constraints whose joint probability is below the floor. */
function culprits(model: Model, where: Where): string {
  const entries = [...where.constraints];
  for (let size = 1; size <= Math.min(CULPRIT_SUBSET_MAX, entries.length - 1); size++) {
    const found: string[] = [];
    for (const sub of subsets(entries, size)) {
      const w: Where = { constraints: new Map(sub) };
      if (probabilityOf(model, w) < PROBABILITY_FLOOR) found.push(sub.map(([n, c]) => describeConstraint(n, c)).join(' and '));
      if (found.length >= 3) break;
    }
    if (found.length > 0) return `below the floor ${PROBABILITY_FLOOR} because of: ${found.join('; ')}`;
  }
  return `the constraints together fall below the floor ${PROBABILITY_FLOOR}`;
}

/**
 * A sampler for a where: every sampled row satisfies it, other variables follow the model's
 * conditional distribution. Throws UnsupportedSubgroupError when P(where) < PROBABILITY_FLOOR
 * (naming the constraints at fault) or when the schema rules it out (CONTRADICTS_SCHEMA).
 */
export function prepareSampler(model: Model, where?: Where | WhereJson): Sampler {
  const parsed = parse(model, where);
  const key = canonicalJson(formatWhere(parsed));
  const cached = model.samplerCache.get(key) as Sampler | undefined;
  if (cached !== undefined) return cached;
  const sampler = unflooredSampler(model, parsed);
  if (!(sampler.probability >= PROBABILITY_FLOOR)) {
    const effective = sampler.probability * model.compiled.effectiveRecords;
    unsupported(canonicalJson(formatWhere(parsed)), sampler.probability, effective, culprits(model, parsed));
  }
  if (model.samplerCache.size >= SAMPLER_CACHE_SIZE) {
    const oldest = model.samplerCache.keys().next().value;
    if (oldest !== undefined) model.samplerCache.delete(oldest);
  }
  model.samplerCache.set(key, sampler);
  return sampler;
}

/** One profile for a stream key; depends only on (model, where, key). */
export function sampleOne(model: Model, where: Where | WhereJson | undefined, key: StreamKey): Row {
  return prepareSampler(model, where).sample(streamFor(key));
}

/**
 * Row `index` of the seeded sample of `model`, drawn by `sampler` (from prepareSampler(model, where))
 * from streamFor({ modelHash, cohortId: `sample:${seed}`, index, part: 'profile' }). Each row has its
 * own stream, so a caller writing rows in chunks gets the rows of sample(model, { n, where, seed }).
 */
export function sampleRowAt(model: Model, sampler: Sampler, seed: number | string, index: number): Row {
  return sampler.sample(streamFor({ modelHash: model.hash, cohortId: `sample:${String(seed)}`, index, part: 'profile' }));
}

/** n profiles; row i is sampleRowAt(model, sampler, seed, i). */
export function sample(model: Model, options: { readonly n: number; readonly where?: Where | WhereJson; readonly seed: number | string }): Row[] {
  const sampler = prepareSampler(model, options.where);
  const rows: Row[] = [];
  for (let i = 0; i < options.n; i++) rows.push(sampleRowAt(model, sampler, options.seed, i));
  return rows;
}

/**
 * How much the model backs a subgroup: its probability and the (Kish-)effective number of
 * weighted training records behind it, probability × N_eff. Never throws for rarity.
 */
export function support(model: Model, where: Where | WhereJson): { probability: number; effectiveRecords: number } {
  const probability = probabilityOf(model, parse(model, where));
  return { probability, effectiveRecords: probability * model.compiled.effectiveRecords };
}
