import { readFileSync } from 'node:fs';

import { InvalidInputError, InvalidWhereError, SynthfhirError } from '../errors';
import { parseModel, parseTrustedModel } from '../model';
import type { Model } from '../model';
import { parseWhere } from '../schema';
import type { Where } from '../schema';
import { packageFile, sha256Hex } from '../util';

/** The shipped model, resolved from the package root (never the working directory). */
export const DEFAULT_MODEL_PATH_PARTS = ['seeds', 'nhanes-2015-2016.model.json'] as const;

/** Largest --n accepted: a sample is held per chunk, but the caller asked for a file of this many rows. */
export const MAX_SAMPLE_ROWS = 100_000_000;

/** A file's text; FILE_NOT_FOUND (exit 2) naming the path and the OS reason. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SynthfhirError('FILE_NOT_FOUND', {
      path,
      detail: code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e),
    });
  }
}

/** A JSON file's value; INVALID_INPUT naming the file when it does not parse. */
export function readJsonFile(path: string): unknown {
  return parseJsonText(path, readTextFile(path));
}

function parseJsonText(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InvalidInputError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Where the build lists the SHA-256 digests of the model files it validated (scripts/postbuild.js). */
export const TRUSTED_MODELS_PATH_PARTS = ['dist', 'trusted-models.json'] as const;

/** Digests of model files a full `parseModel` accepted at build time; empty when there is no list. */
function trustedModelDigests(): ReadonlySet<string> {
  try {
    const json = JSON.parse(readFileSync(packageFile(...TRUSTED_MODELS_PATH_PARTS), 'utf8')) as unknown;
    return new Set(Array.isArray(json) ? json.filter((d): d is string => typeof d === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * The model at `path`, or the shipped default. A file whose bytes the build already validated
 * (same SHA-256) is compiled without validating again: no zod, about a third of `sample --n 1`'s
 * start-up (issue 11 §4); any other file, or a changed byte, gets the full validation.
 */
export function loadModel(path: string | undefined): Model {
  const file = path ?? packageFile(...DEFAULT_MODEL_PATH_PARTS);
  const text = readTextFile(file);
  const json = parseJsonText(file, text);
  if (trustedModelDigests().has(sha256Hex(text))) return parseTrustedModel(json);
  try {
    return parseModel(json);
  } catch (e) {
    if (e instanceof InvalidInputError) throw new InvalidInputError(`${file}: ${e.message}`);
    throw e;
  }
}

/** --where: JSON text → a Where validated against the model's schema. */
export function parseWhereArg(model: Model, text: string | undefined): Where | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new InvalidWhereError('INVALID_WHERE', {
      detail: `--where is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${text}`,
    });
  }
  return parseWhere(model.schema, json);
}

/** A whole number in [min, max] from an option; INVALID_INPUT naming the option. */
export function parseIntOption(option: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`${option} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** --seed: a whole number stays a number; anything else non-empty is a string seed. */
export function parseSeed(text: string): number | string {
  if (text === '') throw new InvalidInputError('--seed must not be empty');
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}
