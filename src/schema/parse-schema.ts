import { InvalidInputError } from '../errors';
import { lazy, zod } from '../util';
import { isAnyOf, ruleClauses } from './rules';
import type { AppliesWhenClause, Schema, Variable } from './types';
import { parseWhere } from './where-parse';

/**
 * Zod shapes of the schema file. Strict objects: a misspelt key is an error, not silently ignored.
 * See: src/schema/types.ts for the meaning of each field.
 */
const schemaShape = lazy(() => {
  const { z } = zod();
  const CODING = z.strictObject({ system: z.string().min(1), code: z.string().min(1), display: z.string().min(1) });
  const CODES = z.record(z.string(), CODING);
  const RANGE_BOUNDS = {
    low: z.number().optional(),
    high: z.number().optional(),
    text: z.string().optional(),
  };
  const REFERENCE_RANGE = z.strictObject({
    ...RANGE_BOUNDS,
    bySex: z.strictObject({ female: z.strictObject(RANGE_BOUNDS).optional(), male: z.strictObject(RANGE_BOUNDS).optional() }).optional(),
  });
  const OBSERVATION = z.strictObject({
    resource: z.literal('Observation'),
    category: z.enum(['vital-signs', 'laboratory', 'social-history', 'survey', 'exam']),
    code: CODING,
    ucum: z.string().optional(),
    unitDisplay: z.string().optional(),
    profile: z.string().url().optional(),
    panel: z.strictObject({ code: CODING, profile: z.string().url().optional() }).optional(),
    referenceRange: REFERENCE_RANGE.optional(),
    valueCodes: CODES.optional(),
    refinedBy: z.strictObject({ variable: z.string(), valueCodes: CODES }).optional(),
  });
  const CONDITION = z.strictObject({
    resource: z.literal('Condition'),
    presentWhen: z.array(z.string()).min(1),
    code: CODING,
    codeByLabel: CODES.optional(),
    onsetAgeVariable: z.string().optional(),
    activeVariable: z.string().optional(),
  });
  const RACE_ETHNICITY = z.strictObject({
    race: z.array(CODING),
    raceText: z.string().min(1),
    ethnicity: z.array(CODING).min(1),
    ethnicityText: z.string().min(1),
  });
  const PATIENT = z.strictObject({
    resource: z.literal('Patient'),
    element: z.enum(['gender', 'birthDate', 'raceEthnicity', 'maritalStatus']),
    valueCodes: CODES.optional(),
    raceEthnicityCodes: z.record(z.string(), RACE_ETHNICITY).optional(),
  });
  const OTHER = z.strictObject({
    resource: z.enum(['Medication', 'Encounter', 'None']),
    code: CODING.optional(),
    note: z.string().optional(),
  });
  const FHIR = z.discriminatedUnion('resource', [OBSERVATION, CONDITION, PATIENT, OTHER]);

  const RANGE = z.strictObject({
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
  });
  const WHERE_VALUE = z.union([
    z.string(),
    z.number(),
    z.array(z.union([z.string(), z.number()])),
    z.strictObject({ missing: z.boolean() }),
    RANGE,
  ]);

  /** One conjunction of a rule; names are snake_case, so `anyOf` (a disjunction) cannot clash. */
  const CLAUSE = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must name a variable'), WHERE_VALUE);

  const VARIABLE = z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
    label: z.string().min(1),
    kind: z.enum(['categorical', 'ordinal', 'continuous', 'count']),
    group: z.enum(['demographics', 'body', 'vitals', 'labs', 'conditions', 'medications', 'lifestyle', 'utilization']),
    unit: z.string().optional(),
    bounds: z.strictObject({ min: z.number(), max: z.number(), topCoded: z.boolean().optional() }).optional(),
    categories: z.array(z.string().min(1)).min(1).optional(),
    decimals: z.number().int().min(0).max(10).optional(),
    weight: z.enum(['weight_interview', 'weight_exam', 'weight_fasting_subsample']),
    appliesWhen: z.union([z.strictObject({ anyOf: z.array(CLAUSE).min(2) }), CLAUSE]).optional(),
    atMost: z.string().optional(),
    transform: z.enum(['yeo-johnson', 'quantile', 'log', 'none']).optional(),
    fhir: FHIR.optional(),
    description: z.string().optional(),
  });

  const DERIVED = z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
    label: z.string().min(1),
    unit: z.string().min(1),
    formula: z.enum(['bmi', 'egfr_ckd_epi_2021', 'friedewald']),
    inputs: z.array(z.string()).min(1),
    decimals: z.number().int().min(0).max(10),
    fhir: OBSERVATION.optional(),
    description: z.string().optional(),
  });

  return z.strictObject({
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string(),
    source: z.string(),
    variables: z.array(VARIABLE).min(1),
    derived: z.array(DERIVED),
  });
});

/** "variables[3].bounds.min" from a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out === '' ? '(root)' : out;
}

function fail(path: string, detail: string): never {
  throw new InvalidInputError(`Invalid schema at ${path}: ${detail}`, [path]);
}

/** Checks that zod cannot express: kinds vs fields, references between variables, rule order. */
function checkSemantics(schema: Schema): void {
  const index = new Map<string, number>();
  schema.variables.forEach((v, i) => {
    if (index.has(v.name)) fail(`variables[${i}].name`, `duplicate variable "${v.name}"`);
    index.set(v.name, i);
  });
  schema.variables.forEach((v, i) => checkVariable(v, i, index, schema));
  const names = new Set(index.keys());
  schema.derived.forEach((d, i) => {
    if (names.has(d.name)) fail(`derived[${i}].name`, `"${d.name}" is also a variable`);
    for (const input of d.inputs) {
      if (!names.has(input)) fail(`derived[${i}].inputs`, `unknown variable "${input}"`);
    }
  });
}

function checkVariable(v: Variable, i: number, index: ReadonlyMap<string, number>, schema: Schema): void {
  const at = `variables[${i}]`;
  const labelled = v.kind === 'categorical' || v.kind === 'ordinal';
  if (labelled && v.categories === undefined) fail(`${at}.categories`, `${v.kind} "${v.name}" needs categories`);
  if (labelled && new Set(v.categories).size !== v.categories?.length) fail(`${at}.categories`, 'duplicate label');
  if (!labelled && v.categories !== undefined) fail(`${at}.categories`, `${v.kind} "${v.name}" takes no categories`);
  if (!labelled && v.bounds === undefined) fail(`${at}.bounds`, `${v.kind} "${v.name}" needs bounds`);
  if (v.bounds !== undefined && !(v.bounds.min <= v.bounds.max)) fail(`${at}.bounds`, 'min > max');
  if (v.fhir?.resource === 'Condition') {
    const { presentWhen, codeByLabel } = v.fhir;
    for (const label of presentWhen) {
      if (!(v.categories ?? []).includes(label)) fail(`${at}.fhir.presentWhen`, `"${label}" is not a category of "${v.name}"`);
    }
    for (const label of Object.keys(codeByLabel ?? {})) {
      if (!presentWhen.includes(label)) fail(`${at}.fhir.codeByLabel.${label}`, `"${label}" is not in presentWhen`);
    }
  }
  if (v.atMost !== undefined) {
    const j = index.get(v.atMost);
    if (j === undefined) fail(`${at}.atMost`, `unknown variable "${v.atMost}"`);
    const target = schema.variables[j];
    if (target.kind !== 'continuous' && target.kind !== 'count') fail(`${at}.atMost`, `"${v.atMost}" is not numeric`);
  }
  if (v.appliesWhen !== undefined) {
    const anyOf = isAnyOf(v.appliesWhen);
    ruleClauses(v).forEach((clause, c) => checkClause(clause, anyOf ? `${at}.appliesWhen.anyOf[${c}]` : `${at}.appliesWhen`, v, i, index, schema));
  }
}

function checkClause(
  clause: AppliesWhenClause,
  at: string,
  v: Variable,
  i: number,
  index: ReadonlyMap<string, number>,
  schema: Schema,
): void {
  // Rules may only look at variables listed earlier: this keeps them acyclic, and lets a sampler
  // blank by rule in schema order.
  for (const name of Object.keys(clause)) {
    const j = index.get(name);
    if (j === undefined) fail(`${at}.${name}`, `unknown variable "${name}"`);
    if (j >= i) fail(`${at}.${name}`, `"${name}" must come before "${v.name}" in the schema`);
  }
  try {
    parseWhere(schema, clause, { checkContradictions: false });
  } catch (e) {
    fail(at, e instanceof Error ? e.message : String(e));
  }
}

/**
 * Validates a parsed JSON value as a Schema: shape by zod, then cross-references (rules name
 * earlier variables, atMost targets are numeric, derived inputs exist).
 * Throws InvalidInputError naming the path at fault.
 */
export function parseSchema(json: unknown): Schema {
  const result = schemaShape().safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    fail(formatPath(issue.path), issue.message);
  }
  const schema = result.data as Schema;
  checkSemantics(schema);
  return schema;
}
