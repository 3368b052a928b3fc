import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

import { NotFoundError, SynthfhirError } from '../errors';
import { packageFile } from '../util';

import type { ModelLike } from './engine';

/** The embedded default model, shipped in seeds/ and resolved from the package root (src/ or dist/). */
export const DEFAULT_MODEL_FILE = 'nhanes-2015-2016.model.json';

/** Where the default model lives: `seeds/<DEFAULT_MODEL_FILE>` under the package root. */
export function defaultModelPath(): string {
  return packageFile('seeds', DEFAULT_MODEL_FILE);
}

/**
 * Reads and parses a model file (JSON). Relative paths resolve from `cwd`. File I/O lives here,
 * never in model/. Throws FILE_NOT_FOUND naming the path; a file that parses as JSON but not as a
 * model is left to `parse` (model/'s parseModel, which checks the content hash).
 */
export function loadModelFile<M extends ModelLike>(
  path: string,
  parse: (json: unknown) => M,
  cwd: string = process.cwd(),
): M {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    throw new SynthfhirError('FILE_NOT_FOUND', { path: full, detail: (e as Error).message });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SynthfhirError('INVALID_INPUT', {
      detail: `Model file ${full} is not JSON: ${(e as Error).message}`,
    });
  }
  return parse(json);
}

/** The models this process serves, by content hash; the first is the default. */
export class ModelRegistry<M extends ModelLike> {
  private readonly byHash = new Map<string, M>();
  readonly default: M;

  constructor(models: readonly M[]) {
    if (models.length === 0) throw new SynthfhirError('INVALID_INPUT', { detail: 'No model to serve.' });
    for (const m of models) this.byHash.set(m.hash, m);
    this.default = models[0];
  }

  /** The model with this hash; NOT_FOUND names the hashes served. */
  get(hash: string): M {
    const m = this.byHash.get(hash);
    if (m === undefined) {
      throw new NotFoundError(
        `Model "${hash}" is not served here; available: ${[...this.byHash.keys()].join(', ')}.`,
      );
    }
    return m;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  all(): readonly M[] {
    return [...this.byHash.values()];
  }
}
