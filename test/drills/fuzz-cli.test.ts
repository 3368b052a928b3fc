/**
 * Fuzzing drill for the command line (in-process run()): arbitrary commands, options and values for
 * the commands that do not start a server or fit a model. The promise: run() always resolves, with
 * exit 0 or a user-error exit (2, 3, 4 — never 1, the internal error), a message on stderr for every
 * failure, and no stack trace or file path of ours in anything printed.
 */
import fc from 'fast-check';

import { ERROR_CATALOGUE } from '../../src/errors';
import { cli } from '../integration/cli-support';
import { FUZZ_SEED, fuzzRuns, INTERNALS } from '../support/drills';

const USER_EXITS = new Set<number>(Object.values(ERROR_CATALOGUE).map((e) => e.exit).filter((x) => x !== ERROR_CATALOGUE.INTERNAL.exit));

const junk = fc.oneof(
  fc.constantFrom('', '-', '--', '-1', '0', '1e3', 'NaN', '9'.repeat(30), '{', '{}', '[]', 'null', '/', '..', '/dev/null', '/etc', 'does-not-exist.json', '--n', '--where', '😀', '\u0000'),
  fc.string({ maxLength: 20 }),
);
const whereArg = fc.oneof(
  junk,
  fc.dictionary(fc.constantFrom('sex', 'age_years', 'race_ethnicity', 'smoker', 'bmi', 'x'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('female', 'male', { gte: 40, lt: 65 }, { gte: 90 }, { missing: true })), { maxKeys: 2 }).map((o) => JSON.stringify(o)),
);
const option = fc.oneof(
  fc.tuple(fc.constant('--n'), fc.oneof(fc.integer({ min: -2, max: 5 }).map(String), junk)),
  fc.tuple(fc.constant('--seed'), fc.oneof(fc.integer().map(String), junk)),
  fc.tuple(fc.constant('--where'), whereArg),
  fc.tuple(fc.constant('--format'), fc.oneof(fc.constantFrom('csv', 'ndjson', 'xml'), junk)),
  fc.tuple(fc.constant('--model'), fc.constantFrom('/', '..', '/dev/null', '/etc/hostname', 'missing.json', '')),
  fc.tuple(fc.constant('--out'), fc.constantFrom('out.csv', '')),
  fc.tuple(fc.constantFrom('--bogus', '-x', '--help'), junk),
);
const argv = fc
  .tuple(fc.constantFrom('sample', 'support', 'nope', '', '--version'), fc.array(option, { maxLength: 5 }))
  .map(([cmd, opts]) => [cmd, ...opts.flat()].filter((a, i) => i > 0 || a !== ''));

describe('fuzzed CLI arguments keep the promise', () => {
  it('sample/support/unknown commands with arbitrary options: a user-error exit and a message, never an internal error or a stack', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const r = await cli(args);
        const printed = r.err + r.out.slice(0, 2000);
        if (r.code !== 0 && !USER_EXITS.has(r.code)) throw new Error(`exit ${r.code} for ${JSON.stringify(args)}: ${r.err.slice(0, 300)}`);
        if (r.code !== 0 && r.err.trim() === '') throw new Error(`exit ${r.code} with nothing on stderr for ${JSON.stringify(args)}`);
        if (INTERNALS.test(printed.replace(/\/etc|\/dev\/null/g, ''))) throw new Error(`internals printed for ${JSON.stringify(args)}: ${printed.slice(0, 300)}`);
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(150), endOnFailure: true },
    );
  });
});
