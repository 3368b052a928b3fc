
import { InvalidInputError } from '../errors';
import { parseSchema } from '../schema';
import type { Schema } from '../schema';
import { canonicalJson, hashOf, lazy, zod } from '../util';
import { compileModel } from './compiled';
import type { CompiledModel } from './compiled';
import { layoutOf } from './layout';
import { MODEL_FORMAT_VERSION } from './model-format';
import type { ModelParams } from './model-format';

/**
 * A fitted model: its JSON fields (formatVersion, hash, schema, params) plus the compiled runtime
 * form (never serialised) and a per-model cache of prepared samplers (it only saves work).
 */
export interface Model {
  readonly formatVersion: number;
  readonly hash: string;
  readonly schema: Schema;
  readonly params: ModelParams;
  readonly compiled: CompiledModel;
  /** Prepared samplers by canonical where (bounded; see sample.ts). */
  readonly samplerCache: Map<string, unknown>;
}

/** Significant digits kept for every fitted number (keeps the file small; far below noise). */
export const SIGNIFICANT_DIGITS = 10;

/** Rounds every number in a JSON-like value to SIGNIFICANT_DIGITS (deterministic). */
export function roundNumbers<T>(value: T): T {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`non-finite model parameter ${value}`);
    return (value === 0 ? 0 : Number(value.toPrecision(SIGNIFICANT_DIGITS))) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => roundNumbers(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = roundNumbers(v);
    return out as T;
  }
  return value;
}

/** The content hash: sha256 of the canonical JSON of everything but the hash. */
export function modelHashOf(schema: Schema, params: ModelParams): string {
  return hashOf({ formatVersion: MODEL_FORMAT_VERSION, schema, params });
}

/** Builds a model from (already rounded) parameters. */
export function buildModel(schema: Schema, params: ModelParams): Model {
  const hash = modelHashOf(schema, params);
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    hash,
    schema,
    params,
    compiled: compileModel(schema, params),
    samplerCache: new Map(),
  };
}

/** Plain, versioned, canonical JSON (sorted keys) with its content hash. */
export function serializeModel(model: Model): string {
  return canonicalJson({ formatVersion: model.formatVersion, hash: model.hash, schema: model.schema, params: model.params });
}

/** The model file's zod shape, built (and zod loaded) on first validation. */
const modelSchema = lazy(() => {
  const { z } = zod();
  const num = z.number().finite();
  const prob = z.number().min(0).max(1);
  const transformZ = z.object({ kind: z.literal('quantile'), x: z.array(num).min(2), p: z.array(prob).min(2) });
  const yeoJohnsonZ = z.object({
    kind: z.literal('yeo-johnson'),
    lambda: num,
    mean: num,
    sd: z.number().positive(),
    lower: num,
    upper: num,
  });
  const paramsZ = z.object({
    k: z.number().int().min(1),
    weights: z.array(prob),
    categorical: z.array(
      z.object({
        name: z.string(),
        states: z.array(z.string()),
        merged: z.record(z.string(), z.string()),
        probs: z.array(z.array(prob)),
      }),
    ),
    core: z.object({
      names: z.array(z.string()),
      transforms: z.array(z.union([transformZ, yeoJohnsonZ])),
      presence: z.array(z.array(prob)),
      mean: z.array(z.array(num)),
      cov: z.array(z.array(num)),
      drivers: z.object({
        variables: z.array(z.string()),
        features: z.array(z.tuple([z.string(), z.string()])),
        effects: z.array(z.array(num)),
        stratumEffects: z.object({ components: z.array(z.number().int().min(0)), effects: z.array(z.array(num)) }).optional(),
      }),
      bands: z.object({ variable: z.string(), lo: z.array(num.nullable()), hi: z.array(num.nullable()) }).optional(),
    }),
    satellites: z.array(
      z.object({
        name: z.string(),
        parent: z.string().optional(),
        transform: transformZ,
        presence: z.array(prob),
        mean: z.array(num),
        sd: z.array(z.number().positive()),
        slope: z.array(num).optional(),
      }),
    ),
    fit: z.object({
      seed: z.string(),
      weights: z.string().nullable(),
      rows: z.number().int().min(0),
      effectiveRecords: num,
      kFloor: z.number().int().min(1),
      logLikelihood: num,
      bic: num,
      iterations: z.number().int().min(0),
      candidates: z.array(z.object({ k: z.number().int(), heldOutLogLikelihood: num })),
    }),
  });
  return z.object({
    formatVersion: z.number().int(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    schema: z.unknown(),
    params: paramsZ,
  });
});

function bad(detail: string): never {
  throw new InvalidInputError(`invalid model: ${detail}`);
}

/** Checks that every array has the size the schema and K imply. */
function checkShapes(schema: Schema, p: ModelParams): void {
  const layout = layoutOf(schema);
  const K = p.k;
  if (p.weights.length !== K) bad(`weights has ${p.weights.length} entries, expected k = ${K}`);
  if (p.categorical.length !== layout.cats.length) bad('categorical does not match the schema');
  p.categorical.forEach((c, i) => {
    if (c.name !== layout.cats[i].variable.name) bad(`categorical[${i}] is ${c.name}, expected ${layout.cats[i].variable.name}`);
    const cats = layout.cats[i].variable.categories ?? [];
    for (const s of c.states) if (!cats.includes(s)) bad(`${c.name} has unknown state "${s}"`);
    if (c.probs.length !== K || c.probs.some((r) => r.length !== c.states.length + 1)) bad(`${c.name}.probs has the wrong shape`);
  });
  const d = layout.core.length;
  const core = p.core;
  if (core.names.join() !== layout.core.map((s) => s.variable.name).join()) bad('core.names does not match the schema');
  if (core.transforms.length !== d) bad('core.transforms has the wrong length');
  const tri = (d * (d + 1)) / 2;
  if (core.presence.length !== K || core.presence.some((r) => r.length !== d)) bad('core.presence has the wrong shape');
  if (core.mean.length !== K || core.mean.some((r) => r.length !== d)) bad('core.mean has the wrong shape');
  if (core.cov.length !== K || core.cov.some((r) => r.length !== tri)) bad('core.cov has the wrong shape');
  const F = core.drivers.features.length;
  if (core.drivers.effects.length !== d || core.drivers.effects.some((r) => r.length !== F)) bad('core.drivers.effects has the wrong shape');
  const se = core.drivers.stratumEffects;
  if (se !== undefined) {
    if (se.effects.length !== d || se.effects.some((r) => r.length !== F)) bad('core.drivers.stratumEffects.effects has the wrong shape');
    if (se.components.some((k) => k >= K) || new Set(se.components).size !== se.components.length) {
      bad('core.drivers.stratumEffects.components must be distinct components below k');
    }
  }
  const bands = core.bands;
  if (bands !== undefined) {
    if (layout.byName.get(bands.variable)?.role !== 'core') bad(`core.bands.variable ${bands.variable} is not a core continuous variable`);
    if (bands.lo.length !== K || bands.hi.length !== K) bad('core.bands has the wrong shape');
    if (bands.lo.some((lo, k) => { const hi = bands.hi[k]; return lo !== null && hi !== null && !(lo < hi); })) bad('core.bands: lo must be below hi');
  }
  for (const [v, label] of core.drivers.features) {
    const s = layout.byName.get(v);
    if (s === undefined || s.role !== 'cat') bad(`driver feature names ${v}, not a categorical`);
    const c = p.categorical[s.slot];
    if (label !== '' && !c.states.includes(label)) bad(`driver feature ${v}=${label} is not a state`);
  }
  for (const v of core.drivers.variables) if (layout.byName.get(v)?.role !== 'cat') bad(`driver ${v} is not a categorical`);
  if (p.satellites.length !== layout.sats.length) bad('satellites do not match the schema');
  p.satellites.forEach((s, q) => {
    if (s.name !== layout.sats[q].variable.name) bad(`satellites[${q}] is ${s.name}`);
    if (s.presence.length !== K || s.mean.length !== K || s.sd.length !== K) bad(`${s.name} has the wrong shape`);
  });
  for (const t of [...core.transforms, ...p.satellites.map((s) => s.transform)]) {
    if (t.kind !== 'quantile') {
      if (!(t.lower < t.upper)) bad('a Yeo-Johnson transform has an empty support');
      continue;
    }
    if (t.x.length !== t.p.length) bad('a transform has knots and probabilities of different lengths');
    for (let i = 1; i < t.x.length; i++) if (t.x[i] < t.x[i - 1] || t.p[i] < t.p[i - 1]) bad('a transform is not monotone');
  }
}

/**
 * A model document whose exact bytes an earlier `parseModel` accepted (the build records the digest
 * of the shipped file's bytes after validating it: scripts/postbuild.js): compiled without
 * validating again, so a command on the shipped model does not load zod (issue 11 §4). Callers
 * must establish that trust themselves (cli/inputs.ts compares the file's SHA-256).
 */
export function parseTrustedModel(json: unknown): Model {
  const doc = json as { readonly formatVersion: number; readonly hash: string; readonly schema: Schema; readonly params: ModelParams };
  return {
    formatVersion: doc.formatVersion,
    hash: doc.hash,
    schema: doc.schema,
    params: doc.params,
    compiled: compileModel(doc.schema, doc.params),
    samplerCache: new Map(),
  };
}

/** Validates a parsed model JSON document, checks its hash, and compiles it. */
export function parseModel(json: unknown): Model {
  const r = modelSchema().safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    bad(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const doc = r.data;
  if (doc.formatVersion !== MODEL_FORMAT_VERSION) {
    bad(`formatVersion ${doc.formatVersion} is not supported (this build reads ${MODEL_FORMAT_VERSION})`);
  }
  const params = doc.params as ModelParams;
  const expected = hashOf({ formatVersion: doc.formatVersion, schema: doc.schema, params });
  if (expected !== doc.hash) bad(`hash mismatch: file says ${doc.hash}, content hashes to ${expected}`);
  const schema = parseSchema(doc.schema);
  if (canonicalJson(schema) !== canonicalJson(doc.schema)) {
    bad('the embedded schema is not in normal form (parseSchema changes it)');
  }
  checkShapes(schema, params);
  return {
    formatVersion: doc.formatVersion,
    hash: doc.hash,
    schema,
    params,
    compiled: compileModel(schema, params),
    samplerCache: new Map(),
  };
}
