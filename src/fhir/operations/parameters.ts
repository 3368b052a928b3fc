import { readFileSync } from 'node:fs';

import { didYouMean, SynthfhirError } from '../../errors';
import { packageFile } from '../../util';
import type { Resource } from '../types';

/** The parts of an R4 OperationDefinition that drive input parsing. */
export interface OperationDefinition extends Resource {
  readonly url: string;
  readonly code: string;
  readonly parameter: readonly {
    readonly name: string;
    readonly use: 'in' | 'out';
    readonly min: number;
    readonly max: string;
    readonly type?: string;
  }[];
}

/** A parsed input value: integers and booleans as numbers/booleans, everything else as text. */
export type OperationValue = string | number | boolean;

/** Reads an OperationDefinition from profiles/ (resolved from the package root). */
export function loadOperationDefinition(file: string): OperationDefinition {
  return JSON.parse(readFileSync(packageFile('profiles', file), 'utf8')) as OperationDefinition;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** R4 date of any precision (YYYY, YYYY-MM, YYYY-MM-DD) or dateTime/instant: checked for shape here, for meaning by the operation. */
const FHIR_DATE_TIME_RE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function bad(op: string, name: string, detail: string): SynthfhirError {
  return new SynthfhirError('INVALID_INPUT', { detail: `$${op}: ${detail}` }, [name]);
}

function fromText(op: string, name: string, type: string | undefined, text: string): OperationValue {
  switch (type ?? 'string') {
    case 'integer':
      if (!/^-?\d{1,16}$/.test(text)) throw bad(op, name, `parameter "${name}" must be an integer, got "${text}".`);
      return Number(text);
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw bad(op, name, `parameter "${name}" must be true or false, got "${text}".`);
      return text === 'true';
    case 'date':
      if (!DATE_RE.test(text)) throw bad(op, name, `parameter "${name}" must be a date YYYY-MM-DD, got "${text}".`);
      return text;
    case 'dateTime':
    case 'instant':
      if (!FHIR_DATE_TIME_RE.test(text)) throw bad(op, name, `parameter "${name}" must be a FHIR ${type ?? 'date'}, got "${text}".`);
      return text;
    default:
      return text;
  }
}

const VALUE_KEY: Readonly<Record<string, string>> = {
  integer: 'valueInteger',
  boolean: 'valueBoolean',
  date: 'valueDate',
  string: 'valueString',
};

/**
 * Parses an operation's inputs, as its OperationDefinition declares them, from query pairs (GET,
 * form) or a Parameters resource (POST body): types checked, cardinality enforced, unknown
 * parameters refused — each error a 400 naming the parameter. `_`-prefixed (transport) query
 * parameters are ignored. See: docs/CONVENTIONS.md "An operation is its OperationDefinition".
 */
export function parseOperationInput(
  def: OperationDefinition,
  query: ReadonlyArray<readonly [string, string]>,
  body: unknown,
): Readonly<Record<string, OperationValue>> {
  const op = def.code;
  const inputs = new Map(def.parameter.filter((p) => p.use === 'in').map((p) => [p.name, p]));
  const seen = new Map<string, OperationValue[]>();
  const add = (name: string, v: OperationValue): void => {
    seen.set(name, [...(seen.get(name) ?? []), v]);
  };
  const known = (name: string): NonNullable<ReturnType<typeof inputs.get>> => {
    const p = inputs.get(name);
    if (p === undefined) throw bad(op, name, `unknown parameter "${name}" (known: ${[...inputs.keys()].join(', ')}).`);
    return p;
  };
  for (const [name, text] of query) {
    if (name.startsWith('_')) continue;
    add(name, fromText(op, name, known(name).type, text));
  }
  if (body !== undefined) {
    const b = body as { resourceType?: unknown; parameter?: unknown };
    if (b === null || typeof b !== 'object' || b.resourceType !== 'Parameters') {
      throw bad(op, 'body', 'the request body must be a Parameters resource.');
    }
    const list = b.parameter ?? [];
    if (!Array.isArray(list)) throw bad(op, 'parameter', 'Parameters.parameter must be an array.');
    for (const entry of list as unknown[]) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw bad(op, 'parameter', 'each Parameters.parameter must be an object with a name.');
      }
      const item = entry as Record<string, unknown>;
      const name = typeof item.name === 'string' ? item.name : '';
      const p = known(name);
      const key = VALUE_KEY[p.type ?? 'string'] ?? 'valueString';
      const v = item[key];
      const ok =
        (p.type === 'integer' && Number.isInteger(v)) ||
        (p.type === 'boolean' && typeof v === 'boolean') ||
        (p.type === 'date' && typeof v === 'string' && DATE_RE.test(v)) ||
        ((p.type === undefined || p.type === 'string') && typeof v === 'string');
      if (!ok) throw bad(op, name, `parameter "${name}" needs ${key} (${p.type ?? 'string'}).`);
      add(name, v as OperationValue);
    }
  }
  const out: Record<string, OperationValue> = {};
  for (const [name, p] of inputs) {
    const values = seen.get(name) ?? [];
    if (values.length < p.min) throw bad(op, name, `parameter "${name}" is required.`);
    if (p.max !== '*' && values.length > Number(p.max)) throw bad(op, name, `parameter "${name}" may appear at most ${p.max} time(s).`);
    if (values.length > 0) out[name] = values[0];
  }
  return out;
}

/** How `parseOperationQuery` treats a parameter its definition does not declare. */
export interface OperationQueryOptions {
  /** true: 400 UNKNOWN_SEARCH_PARAMETER naming it; false: a warning pushed onto `warnings`. */
  readonly strict: boolean;
  readonly warnings: string[];
  /** Parameters served by the HTTP layer (`_format`, `_pretty`): always accepted, never returned. */
  readonly transport?: readonly string[];
}

/**
 * Parses an operation's query inputs (GET) as its OperationDefinition declares them, keeping every
 * value of repeatable ones (`max: "*"`). Unlike parseOperationInput, `_`-prefixed parameters are
 * inputs when declared (`_since`, `_type`, `_count` of $everything); undeclared ones are refused in
 * strict mode and reported as warnings otherwise (FHIR's lenient handling).
 */
export function parseOperationQuery(
  def: OperationDefinition,
  query: ReadonlyArray<readonly [string, string]>,
  options: OperationQueryOptions,
): Readonly<Record<string, readonly OperationValue[]>> {
  const op = def.code;
  const inputs = new Map(def.parameter.filter((p) => p.use === 'in').map((p) => [p.name, p]));
  const transport = options.transport ?? ['_format', '_pretty'];
  const out: Record<string, OperationValue[]> = {};
  for (const [name, text] of query) {
    if (transport.includes(name)) continue;
    const p = inputs.get(name);
    if (p === undefined) {
      const known = [...inputs.keys()];
      if (options.strict) {
        throw new SynthfhirError(
          'UNKNOWN_SEARCH_PARAMETER',
          { detail: `Unknown parameter "${name}" for $${op}${didYouMean(name, known)} (known: ${known.join(', ')}).` },
          [name],
        );
      }
      options.warnings.push(`Parameter "${name}" is not supported by $${op} and was ignored.`);
      continue;
    }
    const values = (out[name] ??= []);
    if (p.max !== '*' && values.length >= Number(p.max)) throw bad(op, name, `parameter "${name}" may appear at most ${p.max} time(s).`);
    values.push(fromText(op, name, p.type, text));
  }
  for (const p of inputs.values()) {
    if (p.use === 'in' && (out[p.name]?.length ?? 0) < p.min) throw bad(op, p.name, `parameter "${p.name}" is required.`);
  }
  return out;
}
