/**
 * `npm run bench`: runs every benchmark in its own process, one after another (so one does not
 * warm or load another), and prints their figures. Asserts nothing.
 * Run one alone: `node dist-bench/bench/<name>.js`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';

/** In the order a reader cares: the model, generation, search, serving, evaluation. */
const BENCHES = ['model', 'plausibility', 'cli', 'generate', 'search', 'search-index', 'http', 'memory', 'cohort', 'export', 'redis-cache', 'graphql', 'evaluate', 'twins'] as const;

function main(): number {
  const only = process.argv.slice(2);
  const chosen = only.length > 0 ? BENCHES.filter((b) => only.includes(b)) : [...BENCHES];
  console.log(`synthfhir bench — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`);
  let failed = 0;
  for (const name of chosen) {
    const file = join(__dirname, `${name}.js`);
    if (!existsSync(file)) {
      console.log(`\n== ${name}: no benchmark file ${name}.js`);
      failed++;
      continue;
    }
    console.log(`\n== ${name}`);
    const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.log(`== ${name}: exited with ${r.status ?? r.signal}`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
