// The import rules of CONVENTIONS.md §2 as data, and the ESLint rule options built from them.
// eslint.config.mjs spreads these into the flat config; test/unit/lint/ lints probe files against that
// config to prove that every forbidden import fails. Paths are relative to src/: a folder ends in "/",
// a file ends in ".ts".

/** Each src folder (or top-level file) -> the src folders and files it may import. Nothing imports upward. */
export const LAYERS = {
  'util/': [],
  'errors.ts': ['util/'],
  'config.ts': ['util/', 'errors.ts'],
  'random/': ['util/'],
  'schema/': ['util/', 'errors.ts'],
  'model/': ['schema/', 'random/', 'util/', 'errors.ts'],
  'generate/': ['model/', 'schema/', 'random/', 'util/', 'errors.ts'],
  'cohort/': ['generate/', 'model/', 'schema/', 'random/', 'util/', 'errors.ts'],
  'evaluate/': ['model/', 'generate/', 'schema/', 'random/', 'util/', 'errors.ts'],
  // generate/ for its types only (the PatientRecord that resources are mapped from): see TYPE_ONLY.
  'fhir/': ['cohort/', 'generate/', 'schema/', 'util/', 'errors.ts'],
  'graphql/': ['fhir/', 'cohort/', 'util/', 'errors.ts'],
  'http/': ['fhir/', 'graphql/', 'cohort/', 'config.ts', 'util/', 'errors.ts'],
  'cli/': [
    'evaluate/',
    'fhir/',
    'cohort/',
    'model/',
    'schema/',
    'config.ts',
    'util/',
    'errors.ts',
    'server.ts',
  ],
  // The composition root: everything but the process entry point that starts it.
  'app.ts': [
    'util/',
    'errors.ts',
    'config.ts',
    'random/',
    'schema/',
    'model/',
    'generate/',
    'cohort/',
    'evaluate/',
    'fhir/',
    'graphql/',
    'http/',
    'cli/',
  ],
  'server.ts': ['app.ts', 'config.ts'],
};

/** Layer -> the folders among its LAYERS entry that it may import `import type` only. */
export const TYPE_ONLY = {
  'fhir/': ['generate/'],
};

/** Package -> the only src paths that may import it (or one of its subpaths). */
export const CONFINED = {
  seedrandom: ['random/'],
  ioredis: ['cohort/store/redis.ts'],
  fhirpath: ['fhir/search/'],
  express: ['http/'],
  '@as-integrations/express5': ['http/'],
  graphql: ['graphql/'],
  // http/ mounts the Apollo server that graphql/ builds.
  '@apollo/server': ['graphql/', 'http/'],
  dataloader: ['graphql/'],
  commander: ['cli/'],
  // The entry points create the logger (http/ may too, for its request log); everything below takes
  // fhir's `Logger` interface.
  pino: ['cli/', 'app.ts', 'server.ts', 'http/'],
};

/** Globals that make output depend on something other than the arguments, and where each is allowed. */
export const GLOBAL_BANS = [
  {
    property: { object: 'Math', property: 'random' },
    allowedIn: [],
    message: 'Use an Rng from src/random (determinism).',
  },
  {
    property: { object: 'Date', property: 'now' },
    allowedIn: ['util/clock.ts'],
    message: 'Use src/util/clock.ts.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    allowedIn: ['util/clock.ts'],
    message: 'Use src/util/clock.ts for "now".',
  },
  {
    selector: "MemberExpression[object.name='process'][property.name='env']",
    allowedIn: ['config.ts'],
    message: 'Only src/config.ts reads process.env; pass values down as parameters.',
  },
];

const isFolder = (p) => p.endsWith('/');
const nameOf = (p) => `src/${p}`.replace(/\/$/, '');

/** Does src path `outer` contain src path `inner`? ('' is the whole of src.) */
function contains(outer, inner) {
  return outer === '' || outer === inner || (isFolder(outer) && inner.startsWith(outer));
}

/** The files of a src path as a flat-config glob. */
function globOf(p) {
  if (p === '') return 'src/**/*.ts';
  return isFolder(p) ? `src/${p}**/*.ts` : `src/${p}`;
}

/**
 * `import/no-restricted-paths` zones: a layer may not import a layer outside its LAYERS entry, and
 * imports the folders it may use through their index.ts (a file inside a folder is private to it).
 */
export function layerZones() {
  const all = Object.keys(LAYERS);
  const zones = [];
  for (const [target, allowed] of Object.entries(LAYERS)) {
    const may = allowed.map(nameOf).join(', ') || 'nothing in src';
    for (const from of all) {
      if (from === target) continue;
      if (!allowed.includes(from)) {
        zones.push({
          target: `./${nameOf(target)}`,
          from: `./${nameOf(from)}`,
          message: `${nameOf(target)} may import only ${may} (layer table, CONVENTIONS.md §2).`,
        });
      } else if (isFolder(from)) {
        zones.push({
          target: `./${nameOf(target)}`,
          from: `./${nameOf(from)}`,
          except: ['./index.ts'],
          message: `Import ${nameOf(from)} through its index.ts (its public surface), not a file inside it.`,
        });
      }
    }
  }
  return zones;
}

/** Escapes a string for use inside a RegExp. */
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The regions of src where the restrictions differ: every boundary named in the tables, and src itself. */
function regions() {
  const boundaries = new Set(['']);
  for (const paths of Object.values(CONFINED)) for (const p of paths) boundaries.add(p);
  for (const layer of Object.keys(TYPE_ONLY)) boundaries.add(layer);
  for (const ban of GLOBAL_BANS) for (const p of ban.allowedIn) boundaries.add(p);
  return [...boundaries].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/** `@typescript-eslint/no-restricted-imports` patterns in force in a region. */
function importPatterns(region) {
  const patterns = [];
  for (const [pkg, allowed] of Object.entries(CONFINED)) {
    if (allowed.some((a) => contains(a, region))) continue;
    patterns.push({
      regex: `^${escapeRegExp(pkg)}(/.*)?$`,
      caseSensitive: true,
      message: `${pkg} is confined to ${allowed.map(nameOf).join(', ')} (CONVENTIONS.md §2).`,
    });
  }
  for (const [layer, folders] of Object.entries(TYPE_ONLY)) {
    if (!contains(layer, region)) continue;
    for (const folder of folders) {
      // Any depth of ../ then the folder: from inside src/<layer>, that can only be src/<folder>.
      patterns.push({
        regex: `^(\\.\\./)+${escapeRegExp(folder.replace(/\/$/, ''))}(/.*)?$`,
        caseSensitive: true,
        allowTypeImports: true,
        message: `${nameOf(layer)} may import ${nameOf(folder)} for types only (import type).`,
      });
    }
  }
  return patterns;
}

/**
 * One flat-config block per region of src, each setting `@typescript-eslint/no-restricted-imports`,
 * `no-restricted-properties` and `no-restricted-syntax` once, with every restriction in force there.
 * (Several blocks setting the same rule on the same files do not add up: the last one wins.)
 */
export function srcRestrictionConfigs() {
  const all = regions();
  return all.map((region) => {
    const inner = all.filter((r) => r !== region && contains(region, r));
    const patterns = importPatterns(region);
    const bans = GLOBAL_BANS.filter((b) => !b.allowedIn.some((a) => contains(a, region)));
    const properties = bans.filter((b) => b.property).map((b) => ({ ...b.property, message: b.message }));
    const selectors = bans
      .filter((b) => b.selector)
      .map((b) => ({ selector: b.selector, message: b.message }));
    return {
      name: `synthfhir/src-restrictions:${region === '' ? 'src' : nameOf(region)}`,
      files: [globOf(region)],
      ...(inner.length > 0 ? { ignores: inner.map(globOf) } : {}),
      rules: {
        'no-restricted-imports': 'off',
        '@typescript-eslint/no-restricted-imports': patterns.length > 0 ? ['error', { patterns }] : 'off',
        'no-restricted-properties': properties.length > 0 ? ['error', ...properties] : 'off',
        'no-restricted-syntax': selectors.length > 0 ? ['error', ...selectors] : 'off',
      },
    };
  });
}
