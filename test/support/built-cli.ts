import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { packageFile } from '../../src/util';

/** What the build reads: a change to any of them makes dist/ stale. */
const BUILD_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', join('scripts', 'postbuild.js')];

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtimeMs(join(path, entry))), stat.mtimeMs);
}

/**
 * The built CLI entry (`dist/cli/main.js`), as `npm ci` leaves it (its `prepare` script builds).
 * Rebuilt here only when it is missing or older than a build input, e.g. after editing src/
 * without `npm run build`, so the spawn tests never run stale JavaScript.
 */
export function builtCli(): string {
  const main = packageFile('dist', 'cli', 'main.js');
  const inputsMs = Math.max(...BUILD_INPUTS.map((p) => newestMtimeMs(packageFile(p))));
  if (existsSync(main) && statSync(main).mtimeMs >= inputsMs) return main;
  try {
    execFileSync('npm', ['run', 'build'], { cwd: packageFile(), stdio: 'pipe' });
  } catch {
    // tsc emits JavaScript even when type-checking fails (`npm run typecheck` reports that); the
    // spawn tests need only the emitted files, made executable by postbuild.
    execFileSync(process.execPath, [packageFile('scripts', 'postbuild.js')]);
  }
  if (!existsSync(main)) throw new Error(`the build emitted no ${main}`);
  return main;
}
