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
