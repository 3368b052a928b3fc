import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packageFile, sha256Hex } from '../../src/util';

/** What the build reads: a change to any of them makes dist/ stale. */
const BUILD_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', join('scripts', 'postbuild.js')];

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtimeMs(join(path, entry))), stat.mtimeMs);
}

/** A lock held while dist/ is rebuilt, so suites in parallel workers do not build over each other. */
const BUILD_LOCK = join(tmpdir(), `synthfhir-build-${sha256Hex(packageFile()).slice(0, 16)}.lock`);
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 300_000;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withBuildLock<T>(body: () => T): T {
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      const age = existsSync(BUILD_LOCK) ? Date.now() - statSync(BUILD_LOCK).mtimeMs : 0;
      if (age > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      else sleepMs(200);
    }
  }
  try {
    return body();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

const isFresh = (main: string): boolean =>
  existsSync(main) && statSync(main).mtimeMs >= Math.max(...BUILD_INPUTS.map((p) => newestMtimeMs(packageFile(p))));

/**
 * The built CLI entry (`dist/cli/main.js`), as `npm ci` leaves it (its `prepare` script builds).
 * Rebuilt here only when it is missing or older than a build input, e.g. after editing src/
 * without `npm run build`, so the spawn tests never run stale JavaScript.
 */
export function builtCli(): string {
  const main = packageFile('dist', 'cli', 'main.js');
  if (isFresh(main)) return main;
  return withBuildLock(() => {
    if (isFresh(main)) return main; // another worker built it meanwhile
    try {
      execFileSync('npm', ['run', 'build'], { cwd: packageFile(), stdio: 'pipe' });
    } catch {
      // tsc emits JavaScript even when type-checking fails (`npm run typecheck` reports that); the
      // spawn tests need only the emitted files, made executable by postbuild.
      execFileSync(process.execPath, [packageFile('scripts', 'postbuild.js')]);
    }
    if (!existsSync(main)) throw new Error(`the build emitted no ${main}`);
    return main;
  });
}
