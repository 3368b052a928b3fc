// Child-process entry for evaluate.test.ts (run outside Jest, whose module sandbox makes this
// numeric work about twice as slow): the evaluation of a model refitted on column-shuffled
// training rows, with the split, fit options, sample size and seed `synthfhir evaluate` uses for
// the same arguments. Prints the figures the test compares as JSON.
// Usage: node -r test/golden/support/ts-register.js evaluate-shuffled.ts <csv> <components> <seed> <n>
import { readFileSync } from 'node:fs';

import { evaluateSource, fitOptionsOf, sourceFromModel, splitByHash } from '../../../src/evaluate';
import { fit } from '../../../src/model';
import { rngFromSeed } from '../../../src/random';
import { loadSchemaFile, parseCsvTable } from '../../../src/schema';
import type { Row } from '../../../src/schema';
import { packageFile } from '../../../src/util';
import { defaultModel } from '../../unit/generate/model-profiles';

/** Each variable's values permuted independently across rows (weights stay with their row). */
export function shuffleColumns(rows: readonly Row[], names: readonly string[]): Row[] {
  const rng = rngFromSeed('evaluate-shuffle');
  const out: Record<string, Row[string]>[] = rows.map((r) => ({ ...r }));
  for (const name of names) {
    const values = rows.map((r) => r[name]);
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [values[i], values[j]] = [values[j], values[i]];
    }
    values.forEach((v, i) => {
      if (v === undefined) delete out[i][name];
      else out[i][name] = v;
    });
  }
  return out;
}

export interface ShuffledFigures {
  readonly realRows: number;
  readonly columnPairs: number;
  readonly detectionAuc: number;
  readonly gaps: readonly number[];
}

function main([csv, components, seed, n]: readonly string[]): ShuffledFigures {
  const schema = loadSchemaFile(packageFile('seeds', 'nhanes-2015-2016.schema.json'));
  const weightCols = [...new Set(schema.variables.map((v) => v.weight))];
  const rows = parseCsvTable(readFileSync(csv, 'utf8'), schema, [...weightCols, 'seqn']).rows;
  const split = splitByHash(rows, 'seqn');
  const train = split.train.map((i) => rows[i]);
  const holdout = split.holdout.map((i) => rows[i]);
  const columns = [...schema.variables.map((v) => v.name), ...weightCols];
  const shuffled = shuffleColumns(train, schema.variables.map((v) => v.name));
  const options = { ...fitOptionsOf(defaultModel()), weights: 'weight_exam', components: [Number(components)] };
  const model = fit({ columns, rows: shuffled }, schema, options).model;
  const report = evaluateSource({
    schema,
    source: sourceFromModel(model),
    real: { rows: train, weights: train.map((r) => Number(r.weight_exam ?? 0)) },
    holdout: { rows: holdout, weights: holdout.map((r) => Number(r.weight_exam ?? 0)) },
    seed: Number(seed),
    n: Number(n),
    gbm: false,
    extraSeeds: 0,
  });
  return {
    realRows: report.data.realRows,
    columnPairs: report.quality.columnPairs,
    detectionAuc: report.detection.auc,
    gaps: report.utility.tasks.map((t) => t.gap),
  };
}

if (require.main === module) process.stdout.write(JSON.stringify(main(process.argv.slice(2))));
