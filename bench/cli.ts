/**
 * CLI benchmark (issue 11 §4): `synthfhir sample --n 1` cold start (wall and CPU, next to `node -e 0`
 * on the same machine in the same run), and `sample --n N --format csv --out <file>` end to end in
 * rows/s. Runs the built CLI (dist/cli/main.js: `npm run build` first). CPU time of the children is
 * read from /proc/self/stat (Linux; elsewhere printed as NaN). Prints figures; asserts nothing.
 * Run alone: `node dist-bench/bench/cli.js [--rows N]` (default 1,000,000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const RUNS = 7;

/** CPU seconds used by waited-for children so far (cutime + cstime of /proc/self/stat). */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3; cutime and cstime are fields 16 and 17 (1-based).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function timed(args: readonly string[]): { wall: number; cpu: number } {
  const c0 = childrenCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return { wall, cpu: childrenCpuSeconds() - c0 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function coldStart(args: readonly string[]): { wallMin: number; wallMedian: number; cpuMedian: number } {
  const runs = Array.from({ length: RUNS }, () => timed(args));
  return {
    wallMin: Math.min(...runs.map((r) => r.wall)),
    wallMedian: median(runs.map((r) => r.wall)),
    cpuMedian: median(runs.map((r) => r.cpu)),
  };
}

function main(): void {
  const rowsArg = process.argv.indexOf('--rows');
  const rows = rowsArg >= 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
  const f = (x: number): string => x.toFixed(2);
  const node = coldStart(['-e', '0']);
  const sample1 = coldStart([CLI, 'sample', '--n', '1']);
  console.log(`CLI bench (${RUNS} runs each; the machine is shared, so compare with node -e 0 in the same run)`);
  console.log(`  node -e 0                 wall min ${f(node.wallMin)} s, median ${f(node.wallMedian)} s; CPU median ${f(node.cpuMedian)} s`);
  console.log(`  synthfhir sample --n 1    wall min ${f(sample1.wallMin)} s, median ${f(sample1.wallMedian)} s; CPU median ${f(sample1.cpuMedian)} s (goal ≤ 0.5 s wall)`);
  const dir = mkdtempSync(join(tmpdir(), 'synthfhir-cli-bench-'));
  try {
    const out = join(dir, 'sample.csv');
    const run = timed([CLI, 'sample', '--n', String(rows), '--format', 'csv', '--out', out]);
    const bytes = statSync(out).size;
    console.log(
      `  sample --n ${rows.toLocaleString('en-US')} --format csv --out   ${f(run.wall)} s wall, ${f(run.cpu)} s CPU: ${Math.round(rows / run.wall).toLocaleString('en-US')} rows/s end to end (goal ≥ 200,000), ${Math.round(rows / run.cpu).toLocaleString('en-US')} rows per CPU second, ${(bytes / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
