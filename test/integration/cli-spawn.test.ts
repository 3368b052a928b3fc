import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { packageFile } from '../../src/util';
import { builtCli } from '../support/built-cli';

/**
 * The built CLI as a user runs it: the real binary from dist/ (built by `npm ci`, rebuilt only if
 * stale), from a working directory outside the package (the default model must resolve from the
 * package, not the cwd).
 */
let MAIN = '';

beforeAll(() => {
  MAIN = builtCli();
}, 180_000);

function synthfhir(args: readonly string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(MAIN, args, { cwd: tmpdir(), encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

it('is an executable with a node shebang', () => {
  expect(statSync(MAIN).mode & 0o111).not.toBe(0);
  expect(synthfhir(['--help']).code).toBe(0);
});

it('samples from the shipped model from any working directory, byte-identically', () => {
  const a = synthfhir(['sample', '--n', '20', '--seed', '4', '--format', 'ndjson']);
  const b = synthfhir(['sample', '--n', '20', '--seed', '4', '--format', 'ndjson']);
  expect(a.err).toBe('');
  expect(a.code).toBe(0);
  expect(a.out.trimEnd().split('\n')).toHaveLength(20);
  expect(a.out).toBe(b.out);
});

it('prints support as JSON', () => {
  const r = synthfhir(['support', '--where', '{"diabetes_dx":"yes"}']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ probability: expect.any(Number), effectiveRecords: expect.any(Number) });
});

it.each([
  [['sample', '--n', '3', '--where', '{"sex":"x"}'], 2, /^synthfhir: Unknown category "x" for sex/],
  [['sample', '--n', '3', '--where', 'not json'], 2, /^synthfhir: Invalid where: --where is not valid JSON/],
  [['sample', '--n', '3', '--model', '/nonexistent/model.json'], 2, /^synthfhir: Cannot read \/nonexistent\/model\.json: no such file$/],
  [['support', '--where', '{"smoking_now":"every_day","smoked_100_cigarettes":"no"}'], 3, /^synthfhir: Impossible subgroup: /],
] as const)('%j exits %i with one line on stderr', (args, code, message) => {
  const r = synthfhir(args);
  expect(r.code).toBe(code);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err.trimEnd()).toMatch(message);
});

it('serves FHIR until SIGTERM, then drains and exits 0', async () => {
  const child = spawn(MAIN, ['serve', '--port', '0', '--host', '127.0.0.1'], { cwd: tmpdir(), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /serving (http:\/\/\S+)/.exec(err);
      if (m !== null) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  try {
    const res = await fetch(`${url}/metadata`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);

/** Loads a model through the built CLI's loader in a fresh process; says whether zod was loaded. */
function loadInFreshProcess(modelPath: string | undefined): { hash: string; zodLoaded: boolean } {
  const inputs = join(dirname(MAIN), 'inputs.js');
  const script = `const m = require(${JSON.stringify(inputs)}).loadModel(${modelPath === undefined ? 'undefined' : JSON.stringify(modelPath)});
process.stdout.write(JSON.stringify({ hash: m.hash, zodLoaded: Object.keys(require.cache).some((k) => /[\\/]node_modules[\\/]zod[\\/]/.test(k)) }));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: tmpdir(), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { hash: string; zodLoaded: boolean };
}

it('compiles the shipped model without zod (the build validated those bytes), and validates any other file in full', () => {
  const shipped = loadInFreshProcess(undefined);
  expect(shipped.zodLoaded).toBe(false);
  // The same JSON with one more byte is not the file the build validated: full validation, same model.
  const dir = mkdtempSync(join(tmpdir(), 'synthfhir-model-'));
  try {
    const copy = join(dir, 'model.json');
    writeFileSync(copy, readFileSync(packageFile('seeds', 'nhanes-2015-2016.model.json'), 'utf8') + '\n');
    const other = loadInFreshProcess(copy);
    expect(other).toEqual({ hash: shipped.hash, zodLoaded: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
