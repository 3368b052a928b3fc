/**
 * Every runtime dependency in package.json is imported by the code that ships or runs (src/, bench/,
 * scripts/), so an unused package cannot linger in the install. (The converse, that src/ imports only
 * `dependencies`, is import/no-extraneous-dependencies in eslint.config.mjs.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Dependencies allowed to be unimported, each with its reason. */
const NOT_IMPORTED: readonly string[] = [];

const SOURCE_DIRS = ['src', 'bench', 'scripts'];
const SOURCE_FILE = /\.(ts|js|mjs|cjs)$/;
/** The module specifiers of import/export-from statements, dynamic import() and require(). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** 'a/b' -> 'a', '@s/a/b' -> '@s/a'; undefined for relative paths and Node built-ins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

function importedPackages(): Set<string> {
  const used = new Set<string>();
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const name = packageOf(match[1]);
      if (name !== undefined) used.add(name);
    }
  }
  return used;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const dependencies = Object.keys(pkg.dependencies);

describe('dependencies', () => {
  const used = importedPackages();

  it('finds the imports it scans for (the scan itself works)', () => {
    expect(packageOf('fhirpath/fhir-context/r4')).toBe('fhirpath');
    expect(packageOf('@faker-js/faker/locale/en_US')).toBe('@faker-js/faker');
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('fs')).toBeUndefined();
    expect(packageOf('../cohort')).toBeUndefined();
    expect([...used]).toEqual(expect.arrayContaining(['zod', 'seedrandom', 'commander', 'autocannon']));
  });

  it('imports every dependency somewhere in src/, bench/ or scripts/', () => {
    const unused = dependencies.filter((name) => !used.has(name) && !NOT_IMPORTED.includes(name));
    expect(unused).toEqual([]);
  });

  it('keeps the allowlist to dependencies that exist and are still unimported', () => {
    expect(NOT_IMPORTED.filter((name) => !dependencies.includes(name))).toEqual([]);
    expect(NOT_IMPORTED.filter((name) => used.has(name))).toEqual([]);
  });
});
