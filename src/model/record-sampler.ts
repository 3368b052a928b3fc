import { UnsupportedSubgroupError } from '../errors';
import { impliedConstraints, intersectConstraints } from '../schema';
import type { Constraint, Where } from '../schema';
import type { Rng } from '../random';
import { branchesOf, ruleClauseDoms } from './branches';
import type { CompiledModel } from './compiled';
import type { Plan } from './plan';
import { checkPointSupport, conditionOnPoints } from './record-condition';
import type { RecordPoint } from './record-condition';
import { buildSampler, gateTestsOf } from './sampler';
import { heldAgeRange } from './support';
import type { Sampler } from './sampler';

/**
 * A plan with the held points taken out of the box (their values are clamped, not drawn) and
 * fixed for the plausibility support (it never moves a held value; support.ts).
 */
function withoutPointBox(model: CompiledModel, plan: Plan, held: ReadonlySet<number>): Plan {
  const boxDims = Int32Array.from([...plan.boxDims].filter((j) => !held.has(j)));
  const zlo = Float64Array.from(plan.zlo);
  const zhi = Float64Array.from(plan.zhi);
  for (const j of held) {
    zlo[j] = -Infinity;
    zhi[j] = Infinity;
  }
  // Ranges on satellites capped by a held point are weighed in the class weights (record-condition).
  const tilts = Int32Array.from([...plan.tilts].filter((q) => !held.has(model.sats[q].parent)));
  return { ...plan, zlo, zhi, boxDims, fixedDims: Int32Array.from([...boxDims, ...held]), tilts, needConfigs: [...boxDims].some((j) => model.hasEffect[j]) };
}

/**
 * The where with age kept to the ages whose plausibility bands hold the held body measures
 * (support.ts `heldAgeRange`): a 175 cm / 90 kg record is not a 7-year-old's, so classes are
 * weighed by P(age in those years) and age is drawn in them; a held age is left alone.
 */
function withHeldAges(model: CompiledModel, where: Where, points: readonly RecordPoint[]): Where {
  const ageName = 'age_years';
  if (points.some((p) => p.name === ageName) || !model.layout.byName.has(ageName)) return where;
  const range = heldAgeRange(model, new Map(points.map((p) => [p.name, p.value])));
  if (range === undefined) return where;
  const ages: Constraint = { kind: 'range', lo: range.lo, hi: range.hi, loInclusive: true, hiInclusive: true };
  const given = where.constraints.get(ageName);
  const both = given === undefined ? ages : intersectConstraints(given, ages);
  if (both === undefined) return where;
  const constraints = new Map(where.constraints);
  constraints.set(ageName, both);
  return { constraints };
}

/** The where without its held points (what must have ordinary support on its own). */
export function withoutPoints(where: Where, points: readonly RecordPoint[]): Where {
  const names = new Set(points.map((p) => p.name));
  return { constraints: new Map([...where.constraints].filter(([name]) => !names.has(name))) };
}

/**
 * A sampler for a where with two or more held points (record-condition.ts): the model conditioned
 * on the points in closed form, then the ordinary conditional sampler for the rest. Every row holds
 * each point's reported value (clamped to its cell). Throws UNSUPPORTED_SUBGROUP when the points
 * are outside the model's support together (χ² tail below `floor` in every class) or the whole
 * where has probability 0 (the caller checks each other constraint's own support first). `probability` is P(where) with the points' cells to first order.
 */
export function buildRecordSampler(model: CompiledModel, where: Where, points: readonly RecordPoint[], floor: number): Sampler {
  const conditioned = conditionOnPoints(model, where, points);
  if (points.length > 0) checkPointSupport(conditioned, points, floor);
  const m = conditioned.compiled;
  const branches = branchesOf(m, impliedConstraints(model.schema, withHeldAges(m, where, points)));
  const gates = gateTestsOf(m, (i) => ruleClauseDoms(m, i));
  const held = new Set(points.map((p) => p.slot));
  const inner = buildSampler(m, where, branches, gates, (plan) => withoutPointBox(m, plan, held));
  let mass = 0;
  for (let k = 0; k < m.k; k++) mass += m.pi[k];
  if (!(inner.probability > 0) || !(mass > 0)) {
    throw new UnsupportedSubgroupError('UNSUPPORTED_SUBGROUP', {
      where: `these ${where.constraints.size} values together`,
      support: `none: the model gives these values together probability 0 (no class holds them all)`,
    });
  }
  return {
    where,
    probability: inner.probability * Math.exp(conditioned.logScale + conditioned.logWidth),
    sample: (rng: Rng) => inner.sample(rng),
  };
}
