import type { ModelLike, ModelRegistry, PatientEngine, RecordLike } from '../cohort';
import { SynthfhirError } from '../errors';

/** A where as cohort's engine takes it (the JSON the where language is written in). */
type WhereJson = Parameters<PatientEngine['normaliseWhere']>[1];

/**
 * What graphql/ needs from model/ and schema/ (it may not import them): bound to the real modules
 * by app.ts, to stand-ins by tests. Values are plain JSON.
 */

/** A model variable as the own API shows it. */
export interface VariableInfo {
  readonly name: string;
  readonly label: string;
  readonly kind: string;
  readonly unit?: string;
  readonly categories?: readonly string[];
  /** The FHIR code the variable becomes (Observation/Condition code), if any. */
  readonly fhir?: { readonly resource: string; readonly system?: string; readonly code?: string; readonly display?: string };
  readonly derived: boolean;
}

export interface ModelInfo {
  readonly hash: string;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly variables: readonly VariableInfo[];
}

export interface SupportInfo {
  readonly probability: number;
  readonly effectiveRecords: number;
}

export interface ModelPort {
  /** Every model served, default first. */
  models(): readonly ModelInfo[];
  /** One model; NOT_FOUND naming the served hashes; the default when hash is undefined. */
  model(hash: string | undefined): ModelInfo;
  /**
   * `synthfhir support`: the numbers, or the same refusal (UNSUPPORTED_SUBGROUP / CONTRADICTS_SCHEMA)
   * when below the floor; INVALID_WHERE / UNKNOWN_VARIABLE / UNKNOWN_CATEGORY naming the variable.
   */
  support(hash: string | undefined, where: unknown): SupportInfo;
  /** `synthfhir sample` rows (the same rows for the same model, where, n and seed). */
  sample(hash: string | undefined, where: unknown, n: number, seed: number): readonly Readonly<Record<string, string | number | undefined>>[];
}

/** The FHIR code a variable's mapping names (Observation/Condition code, or a Patient element). */
function fhirOf(mapping: ModelLike['schema']['variables'][number]['fhir']): VariableInfo['fhir'] {
  if (mapping === undefined) return undefined;
  const code = 'code' in mapping ? mapping.code : undefined;
  return {
    resource: mapping.resource,
    ...(code !== undefined ? { system: code.system, code: code.code, display: code.display } : {}),
  };
}

/** Model facts as the own API shows them (variables, then derived ones). */
export function modelInfoOf(model: ModelLike): ModelInfo {
  const s = model.schema;
  return {
    hash: model.hash,
    name: s.name,
    version: s.version,
    description: s.description,
    variables: [
      ...s.variables.map((v) => ({
        name: v.name,
        label: v.label,
        kind: v.kind,
        ...(v.unit !== undefined ? { unit: v.unit } : {}),
        ...(v.categories !== undefined ? { categories: v.categories } : {}),
        ...(v.fhir !== undefined ? { fhir: fhirOf(v.fhir) } : {}),
        derived: false,
      })),
      ...s.derived.map((d) => ({
        name: d.name,
        label: d.label,
        kind: 'continuous',
        unit: d.unit,
        ...(d.fhir !== undefined ? { fhir: fhirOf(d.fhir) } : {}),
        derived: true,
      })),
    ],
  };
}

function whereJson(where: unknown): WhereJson | undefined {
  return where === undefined ? undefined : (where as WhereJson);
}

/** The port over cohort's model registry and engine seam (graphql never imports model/). */
export function createModelPort(models: ModelRegistry<ModelLike>, engine: PatientEngine<ModelLike, RecordLike>): ModelPort {
  const infos = new Map<string, ModelInfo>();
  const modelOf = (hash: string | undefined): ModelLike => (hash === undefined ? models.default : models.get(hash));
  const info = (m: ModelLike): ModelInfo => {
    let i = infos.get(m.hash);
    if (i === undefined) {
      i = modelInfoOf(m);
      infos.set(m.hash, i);
    }
    return i;
  };
  const unsupported = (what: string): never => {
    throw new SynthfhirError('UNPROCESSABLE', { detail: `${what} is not available with this server's model engine.` });
  };
  return {
    models: () => models.all().map(info),
    model: (hash) => info(modelOf(hash)),
    support: (hash, where) => (engine.checkedSupport === undefined ? unsupported('support') : engine.checkedSupport(modelOf(hash), whereJson(where) ?? {})),
    sample: (hash, where, n, seed) =>
      engine.sampleRows === undefined ? unsupported('sample') : engine.sampleRows(modelOf(hash), whereJson(where), n, seed),
  };
}
