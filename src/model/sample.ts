import { impliedConstraints, isWhere, parseWhere, formatWhere, describeConstraint } from '../schema';
import type { Row, Where, WhereJson } from '../schema';
import { streamFamily, streamFor } from '../random';
import type { StreamKey } from '../random';
import { canonicalJson } from '../util';
import { branchesOf, ruleClauseDoms } from './branches';
import type { Model } from './model';
import { MIN_RECORD_POINTS, recordPointsOf } from './record-condition';
import type { RecordPoint } from './record-condition';
import { buildRecordSampler, withoutPoints } from './record-sampler';
import { buildSampler, gateTestsOf, unsupported } from './sampler';
import type { Sampler } from './sampler';

/**
 * Subgroups with probability below this are refused (422): a one-in-a-million subgroup of a model
 * fitted on ~10k records has no training support at all. See: docs/MODEL.md "The contract".
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
  const points = recordPointsOf(model.compiled, where);
  if (points.length < MIN_RECORD_POINTS) return unflooredSampler(model, where).probability;
  return buildRecordSampler(model.compiled, where, points, 0).probability;
}

function isRecordPath(model: Model, where: Where): boolean {
  return recordPointsOf(model.compiled, where).length >= MIN_RECORD_POINTS;
}

/**
 * Two or more held points (a record): exact closed-form conditioning (record-condition.ts), with
 * the record's own support test — P(where) of 30 reported values is always tiny, so the floor
 * applies to the rest of the where alone and to the points' fit to some class. Otherwise the
 * ordinary sampler.
 */
function recordOrUnfloored(model: Model, where: Where): Sampler {
  const points = recordPointsOf(model.compiled, where);
  if (points.length < MIN_RECORD_POINTS) return unflooredSampler(model, where);
  return recordSampler(model, where, points, marginalCacheOf(model));
}

/** Key of the per-model cache of single-constraint probabilities in samplerCache (a cache: saves work only). */
const MARGINALS_KEY = 'record-marginals';

function marginalCacheOf(model: Model): Map<string, number> {
  let cache = model.samplerCache.get(MARGINALS_KEY) as Map<string, number> | undefined;
  if (cache === undefined) {
    cache = new Map();
    model.samplerCache.set(MARGINALS_KEY, cache);
  }
  return cache;
}

/**
 * Record semantics: each constraint that is not a held point must have support on its own
 * (P ≥ floor, cached in `marginals` by constraint), the points must fit some class (χ² test), and
 * the whole must have positive probability. A record's joint probability is never compared with the
 * floor: 30 known values always make it tiny.
 */
function recordSampler(model: Model, where: Where, points: readonly RecordPoint[], marginals: Map<string, number>): Sampler {
  for (const [name, c] of withoutPoints(where, points).constraints) {
    const key = describeConstraint(name, c);
    let p = marginals.get(key);
    if (p === undefined) {
      p = unflooredSampler(model, { constraints: new Map([[name, c]]) }).probability;
      marginals.set(key, p);
    }
    if (!(p >= PROBABILITY_FLOOR)) {
      unsupported(key, p, p * model.compiled.effectiveRecords, `below the floor ${PROBABILITY_FLOOR} on its own`);
    }
  }
  return buildRecordSampler(model.compiled, where, points, PROBABILITY_FLOOR);
}

/**
 * A sampler conditioned on a whole record (a where of known values: labels, reported points,
 * ranges), with record semantics whatever the number of points (see recordSampler). Not cached:
 * records rarely repeat; per-constraint support is (per model, or in `marginals` when given).
 * See: issue 14 §1.
 */
export function prepareRecordSampler(model: Model, where: Where | WhereJson, marginals: Map<string, number> = marginalCacheOf(model)): Sampler {
  const parsed = parse(model, where);
  return recordSampler(model, parsed, recordPointsOf(model.compiled, parsed), marginals);
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
  const sampler = recordOrUnfloored(model, parsed);
  if (!(sampler.probability >= PROBABILITY_FLOOR) && !isRecordPath(model, parsed)) {
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

/**
 * sampleRowAt as a function of the index, with the stream key's fixed part serialised once (the
 * CLI's hot loop): rowsOf(model, sampler, seed)(i) === sampleRowAt(model, sampler, seed, i).
 */
export function sampleRowsAt(model: Model, sampler: Sampler, seed: number | string): (index: number) => Row {
  return streamRowsAt(model, sampler, `sample:${String(seed)}`);
}

/**
 * Row `index` drawn by `sampler` from streamFor({ modelHash, cohortId: label, index, part: 'profile' }):
 * one stream per row of a labelled family (`sample:<seed>`, `twin:<seed>`), so any row is drawn alone.
 */
export function streamRowsAt(model: Model, sampler: Sampler, label: string): (index: number) => Row {
  const streamOf = streamFamily({ modelHash: model.hash, cohortId: label, part: 'profile' });
  return (index) => sampler.sample(streamOf(index));
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
