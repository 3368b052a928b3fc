/**
 * Issue 12 §1 at scale: 1,000,000 unconditioned profiles of the shipped model against every
 * plausibility rule, with the real file's rate beside each (the 100,000-profile version is the
 * CI test test/statistical/plausibility.test.ts). Prints violations per 10,000 rows; asserts
 * nothing, but exits 1 when a rule is broken. Run alone: `node dist-bench/bench/plausibility.js`.
 */
import { readFileSync } from 'node:fs';

import { parseModel, prepareSampler } from '../src/model';
import { rngFromSeed } from '../src/random';
import {
  applicableOnly,
  auditPlausibility,
  computeDerived,
  parseCsvTable,
  plausibilityRulesFor,
} from '../src/schema';
import { packageFile } from '../src/util';

const N = 1_000_000;

function main(): number {
  const model = parseModel(
    JSON.parse(readFileSync(packageFile('seeds', 'nhanes-2015-2016.model.json'), 'utf8')),
  );
  const rules = plausibilityRulesFor(model.schema);
  const sampler = prepareSampler(model);
  const rng = rngFromSeed('plausibility-1m');
  const t0 = performance.now();
  function* rows(): Generator<ReturnType<typeof sampler.sample>> {
    for (let i = 0; i < N; i++) yield sampler.sample(rng);
  }
  const synthetic = auditPlausibility(rules, rows());
  const seconds = (performance.now() - t0) / 1000;
  const real = parseCsvTable(
    readFileSync(packageFile('data', 'nhanes', 'nhanes_2015_2016.csv'), 'utf8'),
    model.schema,
    ['weight_exam'],
  );
  const realAudit = auditPlausibility(
    rules,
    real.rows.map((r) => computeDerived(model.schema, applicableOnly(model.schema, r))),
  );
  console.log(`${N} profiles in ${seconds.toFixed(1)} s`);
  console.log('rule | synthetic violations (per 10,000) | real violations (per 10,000)');
  synthetic.forEach((l, i) =>
    console.log(
      `${l.id} | ${l.violations} (${l.per10k.toFixed(3)}) | ${realAudit[i].violations} (${realAudit[i].per10k.toFixed(3)})`,
    ),
  );
  return synthetic.some((l) => l.violations > 0) ? 1 : 0;
}

process.exitCode = main();
