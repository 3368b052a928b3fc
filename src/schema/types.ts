import type { Coding as R4Coding } from 'fhir/r4';

/**
 * The schema: one entry per variable the model covers, named exactly as the NHANES CSV column.
 * It is the one place where model/ (kind, bounds, categories, structure) and fhir/ (codes, units,
 * categories, profiles) meet. See: docs/ARCHITECTURE.md "Layers and imports"; issue 3 §2.
 */

/** categorical: unordered labels; ordinal: ordered labels (categories in order); continuous; count: integers. */
export type VariableKind = 'categorical' | 'ordinal' | 'continuous' | 'count';

/** Which NHANES survey weight applies to a variable (README "Caveats": exam vs interview vs fasting). */
export type WeightName = 'weight_interview' | 'weight_exam' | 'weight_fasting_subsample';

export type VariableGroup =
  'demographics' | 'body' | 'vitals' | 'labs' | 'conditions' | 'medications' | 'lifestyle' | 'utilization';

/** A sampled or observed value: a category label or a number. Missing is `undefined` (absent key). */
export type Value = string | number;

/** One row/profile: variable name → value; absent or undefined = missing / not applicable. */
export type Row = Readonly<Record<string, Value | undefined>>;

/** A FHIR Coding as the schema states it: R4's Coding (@types/fhir `fhir/r4`) with system, code and display required. */
export type Coding = Readonly<Required<Pick<R4Coding, 'system' | 'code' | 'display'>>>;

export type ObservationCategory = 'vital-signs' | 'laboratory' | 'social-history' | 'survey' | 'exam';

/** How a numeric or coded variable becomes an Observation. */
export interface ObservationMapping {
  readonly resource: 'Observation';
  readonly category: ObservationCategory;
  readonly code: Coding;
  /** UCUM code for valueQuantity (numeric variables). */
  readonly ucum?: string;
  /** Human unit text for valueQuantity.unit (defaults to ucum). */
  readonly unitDisplay?: string;
  /** Canonical URL of the US Core (or base FHIR vital signs) profile the Observation conforms to. */
  readonly profile?: string;
  /** Set when this variable is one component of a panel Observation (e.g. blood pressure). */
  readonly panel?: { readonly code: Coding; readonly profile?: string };
  /** Adult reference range, for Observation.referenceRange and interpretation H/L/N. */
  readonly referenceRange?: ReferenceRange;
  /** For coded variables: category label → valueCodeableConcept coding. */
  readonly valueCodes?: Readonly<Record<string, Coding>>;
  /**
   * A second variable that refines the value when present (smoking status: smoked_100_cigarettes
   * "yes" becomes every-day / some-days / former smoker from smoking_now). Its coding wins.
   */
  readonly refinedBy?: { readonly variable: string; readonly valueCodes: Readonly<Record<string, Coding>> };
}

/** One adult reference range (either bound may be open). */
export interface ReferenceRangeBounds {
  readonly low?: number;
  readonly high?: number;
  readonly text?: string;
}

/**
 * An adult reference range; `bySex` replaces it for that sex (creatinine, HDL), and the emitted
 * Observation.referenceRange then says whom it applies to (appliesTo).
 */
export interface ReferenceRange extends ReferenceRangeBounds {
  readonly bySex?: Readonly<Partial<Record<'female' | 'male', ReferenceRangeBounds>>>;
}

/** How a yes/no diagnosis variable becomes a Condition. */
export interface ConditionMapping {
  readonly resource: 'Condition';
  /** Category label that means "has the condition" (usually "yes"). */
  readonly presentWhen: readonly string[];
  readonly code: Coding;
  /**
   * A different code for some presentWhen labels (diabetes_dx "borderline" is prediabetes, not
   * diabetes); labels not listed use `code`.
   */
  readonly codeByLabel?: Readonly<Record<string, Coding>>;
  /** Variable holding the age at diagnosis (for onsetDateTime / onsetAge). */
  readonly onsetAgeVariable?: string;
  /** Variable whose value tells whether it is still active (e.g. asthma_still); "no" → resolved. */
  readonly activeVariable?: string;
}

/** A Patient element (gender, birthDate from age, race/ethnicity extensions, marital status). */
export interface PatientMapping {
  readonly resource: 'Patient';
  readonly element: 'gender' | 'birthDate' | 'raceEthnicity' | 'maritalStatus';
  /** For coded elements: label → coding (gender, maritalStatus). */
  readonly valueCodes?: Readonly<Record<string, Coding>>;
  /** For raceEthnicity: label → the US Core race and ethnicity extension contents. */
  readonly raceEthnicityCodes?: Readonly<Record<string, RaceEthnicityCodes>>;
}

/** One race/ethnicity label as US Core race + ethnicity extensions (OMB codes, or UNK). */
export interface RaceEthnicityCodes {
  /** ombCategory codings of the us-core-race extension (v3-NullFlavor UNK when unknown). */
  readonly race: readonly Coding[];
  readonly raceText: string;
  /** ombCategory coding first, then any detailed codings, of the us-core-ethnicity extension. */
  readonly ethnicity: readonly Coding[];
  readonly ethnicityText: string;
}

/** Medication flags (insulin_now...) become MedicationStatement-like facts; utilization drives Encounters. */
export interface OtherMapping {
  readonly resource: 'Medication' | 'Encounter' | 'None';
  /** Medication: the drug class ("yes" = currently taking one), SNOMED CT or ATC. */
  readonly code?: Coding;
  readonly note?: string;
}

export type FhirMapping = ObservationMapping | ConditionMapping | PatientMapping | OtherMapping;

/** Numeric bounds; `topCoded` means max stands for "max or more" (NHANES top-codes age at 80). */
export interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly topCoded?: boolean;
}

/**
 * One conjunction of a structural rule, written in the `where` language (e.g. {"sex":"female",
 * "age_years":{"gte":20,"lte":44}}): every listed constraint holds on other variables.
 */
export type AppliesWhenClause = Readonly<Record<string, WhereValue>>;

/**
 * A disjunctive rule: the variable applies when at least one clause holds (NHANES asks DIQ070
 * "diabetes pills" when diabetes is yes/borderline OR prediabetes is yes). The key cannot clash
 * with a variable name (those are snake_case).
 */
export interface AppliesWhenAnyOf {
  readonly anyOf: readonly AppliesWhenClause[];
}

/**
 * A structural rule: the variable exists only when it holds (a conjunction, or `{"anyOf": [...]}`
 * of conjunctions). Outside it the variable is "not applicable": dropped from the likelihood when
 * fitting, blanked by rule when sampling. A clause may require another variable's presence
 * ({"systolic_bp_1_mmhg": {"missing": false}}): that makes values present together.
 */
export type AppliesWhen = AppliesWhenClause | AppliesWhenAnyOf;

export interface Variable {
  readonly name: string;
  readonly label: string;
  readonly kind: VariableKind;
  readonly group: VariableGroup;
  /** UCUM unit for numbers. */
  readonly unit?: string;
  readonly bounds?: Bounds;
  /** Labels (ordered for ordinal). */
  readonly categories?: readonly string[];
  /** Decimals to round sampled values to (as NHANES reports them). */
  readonly decimals?: number;
  readonly weight: WeightName;
  readonly appliesWhen?: AppliesWhen;
  /** The value never exceeds this other variable's value (ages at diagnosis ≤ age_years). */
  readonly atMost?: string;
  /** Hint for the model's marginal transform of a continuous variable. */
  readonly transform?: 'yeo-johnson' | 'quantile' | 'log' | 'none';
  readonly fhir?: FhirMapping;
  readonly description?: string;
}

/** Deterministic values computed from sampled ones, never sampled. */
export interface DerivedVariable {
  readonly name: string;
  readonly label: string;
  readonly unit: string;
  readonly formula: 'bmi' | 'egfr_ckd_epi_2021' | 'friedewald';
  readonly inputs: readonly string[];
  readonly decimals: number;
  readonly fhir?: ObservationMapping;
  readonly description?: string;
}

export interface Schema {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly source: string;
  readonly variables: readonly Variable[];
  readonly derived: readonly DerivedVariable[];
}

// ---- the `where` language (issue 3 §3) ----

/** A range on a numeric variable. */
export interface RangeJson {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}

/**
 * One constraint as written in JSON: a label or number (equality), an array (set), a range object,
 * or {"missing": true|false}.
 */
export type WhereValue =
  string | number | readonly (string | number)[] | RangeJson | { readonly missing: boolean };

/** The `where` language, used everywhere (CLI, REST, GraphQL): variable → constraint, all must hold. */
export type WhereJson = Readonly<Record<string, WhereValue>>;

/** A parsed, validated constraint on one variable. */
export type Constraint =
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | {
      readonly kind: 'range';
      readonly lo: number;
      readonly hi: number;
      readonly loInclusive: boolean;
      readonly hiInclusive: boolean;
    }
  | { readonly kind: 'missing' }
  | { readonly kind: 'present' };

/** A parsed `where`: validated against a schema, one constraint per variable, in schema order. */
export interface Where {
  readonly constraints: ReadonlyMap<string, Constraint>;
}
