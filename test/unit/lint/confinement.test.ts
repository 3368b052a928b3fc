/**
 * The import rules of docs/ARCHITECTURE.md "Layers and imports" hold: probe sources, linted as if they were files at the given
 * paths with the project's own eslint.config.mjs (test/support/lint-probes.mjs), fail exactly where the
 * layer table, the index.ts rule, the confined packages, the dependency lists or the banned globals say
 * they must, and pass at an allowed location.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

interface Probe {
  readonly name: string;
  readonly filePath: string;
  readonly code: string;
  /** The one rule that must report (every report is from it); undefined: the probe lints clean. */
  readonly fails?: string;
}

interface LintResult {
  readonly filePath: string;
  readonly messages: readonly { readonly ruleId: string | null; readonly message: string }[];
}

const ROOT = join(__dirname, '..', '..', '..');
const LAYER = 'import/no-restricted-paths';
const PACKAGE = '@typescript-eslint/no-restricted-imports';
const EXTRANEOUS = 'import/no-extraneous-dependencies';

const importOf = (spec: string): string => `import * as probe from '${spec}';\nexport const value = probe;\n`;
const typeImportOf = (spec: string, name: string): string =>
  `import type { ${name} } from '${spec}';\nexport type Value = ${name};\n`;
const valueOf = (expression: string): string => `export const value = ${expression};\n`;

/** Each confined package: a forbidden place (src/model, pure) and an allowed one. */
const CONFINED_ALLOWED: Readonly<Record<string, string>> = {
  seedrandom: 'src/random/probe.ts',
  ioredis: 'src/cohort/store/redis.ts',
  fhirpath: 'src/fhir/search/probe.ts',
  express: 'src/http/probe.ts',
  '@as-integrations/express5': 'src/http/probe.ts',
  graphql: 'src/graphql/probe.ts',
  '@apollo/server': 'src/graphql/probe.ts',
  dataloader: 'src/graphql/probe.ts',
  commander: 'src/cli/probe.ts',
  pino: 'src/app.ts',
};

const packageProbes: Probe[] = Object.entries(CONFINED_ALLOWED).flatMap(([pkg, allowedAt]) => [
  { name: `${pkg} from src/model`, filePath: 'src/model/probe.ts', code: importOf(pkg), fails: PACKAGE },
  { name: `${pkg} from ${allowedAt}`, filePath: allowedAt, code: importOf(pkg) },
]);

const nearMissPackageProbes: Probe[] = [
  {
    name: 'ioredis from the memory store',
    filePath: 'src/cohort/store/memory.ts',
    code: importOf('ioredis'),
    fails: PACKAGE,
  },
  {
    name: 'ioredis from cohort/',
    filePath: 'src/cohort/probe.ts',
    code: importOf('ioredis'),
    fails: PACKAGE,
  },
  {
    name: 'a fhirpath subpath outside fhir/search',
    filePath: 'src/fhir/probe.ts',
    code: importOf('fhirpath/fhir-context/r4'),
    fails: PACKAGE,
  },
  {
    name: 'a fhirpath subpath in fhir/search',
    filePath: 'src/fhir/search/probe.ts',
    code: importOf('fhirpath/fhir-context/r4'),
  },
  {
    name: 'seedrandom from generate/',
    filePath: 'src/generate/probe.ts',
    code: importOf('seedrandom'),
    fails: PACKAGE,
  },
  { name: 'express from fhir/', filePath: 'src/fhir/probe.ts', code: importOf('express'), fails: PACKAGE },
  { name: 'graphql from http/', filePath: 'src/http/probe.ts', code: importOf('graphql'), fails: PACKAGE },
  { name: 'pino from cohort/', filePath: 'src/cohort/probe.ts', code: importOf('pino'), fails: PACKAGE },
  { name: 'commander from app.ts', filePath: 'src/app.ts', code: importOf('commander'), fails: PACKAGE },
  // Several confined packages in one file: each is reported (the rules of several blocks do not override each other).
  {
    name: 'ioredis, seedrandom, express and commander together from src/model',
    filePath: 'src/model/probe.ts',
    code: [
      "import * as a from 'ioredis';",
      "import * as b from 'seedrandom';",
      "import * as c from 'express';",
      "import * as d from 'commander';",
      'export const value = [a, b, c, d];',
      '',
    ].join('\n'),
    fails: PACKAGE,
  },
];

/** [from file, import, allowed?] per the layer table. */
const LAYER_CASES: readonly (readonly [string, string, boolean])[] = [
  ['src/model/probe.ts', '../cohort', false],
  ['src/model/probe.ts', '../generate', false],
  ['src/model/probe.ts', '../schema', true],
  ['src/model/probe.ts', '../random', true],
  ['src/util/probe.ts', '../errors', false],
  ['src/random/probe.ts', '../schema', false],
  ['src/schema/probe.ts', '../model', false],
  ['src/generate/probe.ts', '../cohort', false],
  ['src/generate/probe.ts', '../model', true],
  ['src/cohort/probe.ts', '../fhir', false],
  ['src/cohort/probe.ts', '../config', false],
  ['src/cohort/probe.ts', '../generate', true],
  ['src/evaluate/probe.ts', '../cohort', false],
  ['src/evaluate/probe.ts', '../model', true],
  ['src/fhir/probe.ts', '../model', false],
  ['src/fhir/probe.ts', '../evaluate', false],
  ['src/fhir/probe.ts', '../http', false],
  ['src/fhir/probe.ts', '../config', false],
  ['src/fhir/search/probe.ts', '../../model', false],
  ['src/fhir/probe.ts', '../cohort', true],
  ['src/fhir/probe.ts', '../schema', true],
  // No graphql/ rows yet: the resolver cannot resolve imports from a folder that does not exist, so
  // such a probe would pass whatever the table says. Once src/graphql/ exists: graphql -> ../schema
  // and ../model fail, graphql -> ../fhir passes.
  ['src/http/probe.ts', '../evaluate', false],
  ['src/http/probe.ts', '../model', false],
  ['src/http/probe.ts', '../schema', false],
  ['src/http/probe.ts', '../generate', false],
  ['src/http/probe.ts', '../fhir', true],
  ['src/http/probe.ts', '../config', true],
  ['src/cli/probe.ts', '../random', false],
  ['src/cli/probe.ts', '../generate', false],
  ['src/cli/probe.ts', '../app', false],
  ['src/cli/probe.ts', '../http', false],
  ['src/cli/commands/probe.ts', '../../random', false],
  ['src/cli/probe.ts', '../evaluate', true],
  ['src/cli/probe.ts', '../server', true],
  ['src/cli/probe.ts', '../model', true],
  ['src/errors.ts', './config', false],
  ['src/config.ts', './schema', false],
  ['src/server.ts', './fhir', false],
  ['src/server.ts', './app', true],
  ['src/app.ts', './evaluate', true],
  ['src/app.ts', './http', true],
];

const layerProbes: Probe[] = LAYER_CASES.map(([filePath, spec, allowed]) => ({
  name: `${filePath} imports ${spec}`,
  filePath,
  code: importOf(spec),
  ...(allowed ? {} : { fails: LAYER }),
}));

const typeOnlyProbes: Probe[] = [
  {
    name: 'fhir/ imports generate/ types',
    filePath: 'src/fhir/probe.ts',
    code: typeImportOf('../generate', 'PatientRecord'),
  },
  {
    name: 'fhir/search imports generate/ types',
    filePath: 'src/fhir/search/probe.ts',
    code: typeImportOf('../../generate', 'PatientRecord'),
  },
  {
    name: 'fhir/ imports generate/ values',
    filePath: 'src/fhir/probe.ts',
    code: importOf('../generate'),
    fails: PACKAGE,
  },
  {
    name: 'fhir/search imports generate/ values',
    filePath: 'src/fhir/search/probe.ts',
    code: importOf('../../generate'),
    fails: PACKAGE,
  },
  {
    name: 'cohort/ imports generate/ values',
    filePath: 'src/cohort/probe.ts',
    code: importOf('../generate'),
  },
];

const indexProbes: Probe[] = [
  {
    name: 'fhir/ deep-imports cohort/spec',
    filePath: 'src/fhir/x.ts',
    code: importOf('../cohort/spec'),
    fails: LAYER,
  },
  {
    name: 'fhir/ deep-imports cohort/store',
    filePath: 'src/fhir/x.ts',
    code: importOf('../cohort/store'),
    fails: LAYER,
  },
  {
    name: 'app.ts deep-imports util/package-root',
    filePath: 'src/app.ts',
    code: importOf('./util/package-root'),
    fails: LAYER,
  },
  {
    name: 'cli/commands deep-imports model/sample',
    filePath: 'src/cli/commands/probe.ts',
    code: importOf('../../model/sample'),
    fails: LAYER,
  },
  {
    name: 'model/ deep-imports errors.ts (a file: its own surface)',
    filePath: 'src/model/probe.ts',
    code: importOf('../errors'),
  },
  {
    name: 'inside fhir/, search imports operations/',
    filePath: 'src/fhir/search/probe.ts',
    code: importOf('../operations/parameters'),
  },
  {
    name: 'inside cohort/, cohort imports store/',
    filePath: 'src/cohort/probe.ts',
    code: importOf('./store'),
  },
];

const globalProbes: Probe[] = [
  {
    name: 'Math.random in src/model',
    filePath: 'src/model/probe.ts',
    code: valueOf('Math.random()'),
    fails: 'no-restricted-properties',
  },
  {
    name: 'Math.random in util/clock.ts',
    filePath: 'src/util/clock.ts',
    code: valueOf('Math.random()'),
    fails: 'no-restricted-properties',
  },
  {
    name: 'Math.random in a test',
    filePath: 'test/unit/lint/probe.test.ts',
    code: valueOf('Math.random()'),
    fails: 'no-restricted-properties',
  },
  {
    name: 'Math.random in bench/',
    filePath: 'bench/probe.ts',
    code: valueOf('Math.random()'),
    fails: 'no-restricted-properties',
  },
  {
    name: 'Date.now() in src/model',
    filePath: 'src/model/probe.ts',
    code: valueOf('Date.now()'),
    fails: 'no-restricted-properties',
  },
  {
    name: 'Date.now() in config.ts',
    filePath: 'src/config.ts',
    code: valueOf('Date.now()'),
    fails: 'no-restricted-properties',
  },
  { name: 'Date.now() in util/clock.ts', filePath: 'src/util/clock.ts', code: valueOf('Date.now()') },
  { name: 'Date.now() in a test', filePath: 'test/unit/lint/probe.test.ts', code: valueOf('Date.now()') },
  {
    name: 'new Date() in src/model',
    filePath: 'src/model/probe.ts',
    code: valueOf('new Date()'),
    fails: 'no-restricted-syntax',
  },
  {
    name: 'new Date() in config.ts',
    filePath: 'src/config.ts',
    code: valueOf('new Date()'),
    fails: 'no-restricted-syntax',
  },
  {
    name: 'new Date() in fhir/search',
    filePath: 'src/fhir/search/probe.ts',
    code: valueOf('new Date()'),
    fails: 'no-restricted-syntax',
  },
  { name: 'new Date() in util/clock.ts', filePath: 'src/util/clock.ts', code: valueOf('new Date()') },
  { name: 'new Date(0) in src/model', filePath: 'src/model/probe.ts', code: valueOf('new Date(0)') },
  {
    name: 'process.env in src/model',
    filePath: 'src/model/probe.ts',
    code: valueOf('process.env'),
    fails: 'no-restricted-syntax',
  },
  {
    name: 'process.env in cli/',
    filePath: 'src/cli/probe.ts',
    code: valueOf('process.env'),
    fails: 'no-restricted-syntax',
  },
  {
    name: 'process.env in util/clock.ts',
    filePath: 'src/util/clock.ts',
    code: valueOf('process.env'),
    fails: 'no-restricted-syntax',
  },
  { name: 'process.env in config.ts', filePath: 'src/config.ts', code: valueOf('process.env') },
];

const dependencyProbes: Probe[] = [
  {
    name: 'a dev dependency from src/model',
    filePath: 'src/model/probe.ts',
    code: importOf('fast-check'),
    fails: EXTRANEOUS,
  },
  {
    name: 'a dev dependency from http/',
    filePath: 'src/http/probe.ts',
    code: importOf('supertest'),
    fails: EXTRANEOUS,
  },
  {
    name: 'a dev dependency from a test',
    filePath: 'test/unit/lint/probe.test.ts',
    code: importOf('fast-check'),
  },
  { name: 'a dev dependency from bench/', filePath: 'bench/probe.ts', code: importOf('autocannon') },
  { name: 'a dependency from src/model', filePath: 'src/model/probe.ts', code: importOf('zod') },
];

const PROBES: readonly Probe[] = [
  ...packageProbes,
  ...nearMissPackageProbes,
  ...layerProbes,
  ...typeOnlyProbes,
  ...indexProbes,
  ...globalProbes,
  ...dependencyProbes,
];

interface ProbeRun {
  readonly confined: readonly string[];
  readonly results: readonly LintResult[];
}

let run: ProbeRun;

beforeAll(() => {
  // One ESLint instance lints every probe (a child process: Jest's VM cannot import the ESM config).
  const child = spawnSync(process.execPath, [join(ROOT, 'test', 'support', 'lint-probes.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(PROBES.map(({ filePath, code }) => ({ filePath, code }))),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`lint-probes.mjs exited ${String(child.status)}: ${child.stderr}`);
  run = JSON.parse(child.stdout) as ProbeRun;
}, 180_000);

describe('lint confinement (docs/ARCHITECTURE.md "Layers and imports")', () => {
  it('probes every package that eslint.layers.mjs confines', () => {
    expect([...run.confined].sort()).toEqual(Object.keys(CONFINED_ALLOWED).sort());
    expect(run.results.map((r) => r.filePath)).toEqual(PROBES.map((p) => p.filePath));
  });

  const indexed = PROBES.map((probe, i) => ({ probe, i }));
  const failing = indexed.filter(({ probe }) => probe.fails !== undefined);
  const clean = indexed.filter(({ probe }) => probe.fails === undefined);

  it.each(failing.map(({ probe, i }) => [probe.name, probe.fails, i] as const))(
    '%s fails (%s)',
    (_name, rule, i) => {
      const rules = run.results[i].messages.map((m) => m.ruleId);
      expect(rules.length).toBeGreaterThan(0);
      expect(new Set(rules)).toEqual(new Set([rule]));
    },
  );

  it.each(clean.map(({ probe, i }) => [probe.name, i] as const))('%s passes', (_name, i) => {
    expect(run.results[i].messages).toEqual([]);
  });

  it('reports each confined package of a file, not only the last rule block', () => {
    const i = PROBES.findIndex((p) => p.name.startsWith('ioredis, seedrandom, express and commander'));
    const reported = run.results[i].messages.map(
      (m) => /'([^']+)' import is restricted/.exec(m.message)?.[1],
    );
    expect(reported.sort()).toEqual(['commander', 'express', 'ioredis', 'seedrandom']);
  });
});
