import { UnsupportedSubgroupError } from '../errors';
import { formatConstraint, invalid, isPlainObject, parseConstraint, rangeOutsideBounds, show } from './constraint';
import { checkImplied } from './implied';
import type { Constraint, Schema, Where, WhereJson, WhereValue } from './types';
import { variableOf } from './variable';

/** Options of parseWhere; the schema parser itself checks rules without contradiction checks. */
export interface ParseWhereOptions {
  /** Throw CONTRADICTS_SCHEMA for subgroups the schema makes impossible (default true). */
  readonly checkContradictions?: boolean;
}

/** True when `x` is an already-parsed Where (so callers may accept Where | WhereJson). */
export function isWhere(x: unknown): x is Where {
  return isPlainObject(x) && x.constraints instanceof Map;
}

/**
 * Parses and validates a `where` against a schema. Scalar = equality, array = set, object with
 * gt/gte/lt/lte = range, {"missing": bool}. Throws InvalidWhereError (UNKNOWN_VARIABLE,
 * UNKNOWN_CATEGORY, INVALID_WHERE) for bad input and UnsupportedSubgroupError CONTRADICTS_SCHEMA
 * for subgroups the schema rules out (range outside bounds, rules that contradict each other).
 * Constraints come back in schema order. See: docs/MODEL.md "Exact conditioning"; docs/CONTRACTS.md "schema/".
 */
export function parseWhere(schema: Schema, json: unknown, options: ParseWhereOptions = {}): Where {
  if (isWhere(json)) json = formatWhere(json);
  if (!isPlainObject(json)) {
    invalid(`expected a JSON object mapping variable names to constraints, got ${show(json)}`);
  }
  const parsed = new Map<string, Constraint>();
  for (const [name, raw] of Object.entries(json)) {
    const v = variableOf(schema, name);
    const c = parseConstraint(v, raw);
    if (options.checkContradictions !== false && rangeOutsideBounds(v, c)) {
      const bounds = v.bounds ?? { min: -Infinity, max: Infinity };
      throw new UnsupportedSubgroupError('CONTRADICTS_SCHEMA', {
        detail:
          `${name} ${show(raw)} lies outside its bounds [${bounds.min}, ${bounds.max}]` +
          (bounds.topCoded === true ? ` (${bounds.max} stands for "${bounds.max} or more": values above are top-coded)` : ''),
      }, [name]);
    }
    parsed.set(name, c);
  }
  const ordered = new Map<string, Constraint>();
  for (const v of schema.variables) {
    const c = parsed.get(v.name);
    if (c !== undefined) ordered.set(v.name, c);
  }
  const where: Where = { constraints: ordered };
  if (options.checkContradictions !== false) checkImplied(schema, where);
  return where;
}

/** The JSON form of a parsed where; parseWhere(schema, formatWhere(w)) equals w. */
export function formatWhere(where: Where): WhereJson {
  const out: Record<string, WhereValue> = {};
  for (const [name, c] of where.constraints) out[name] = formatConstraint(c);
  return out;
}

