import { InvalidInputError } from '../errors';
import { diabetesVariationFor, variationFor } from '../generate';
import { roundTo } from '../schema';
import type { RangeJson, Row, Schema, Value, Variable, WhereJson, WhereValue } from '../schema';

/**
 * The `where` of a digital twin: which of a record's values twins share. `keep` holds values
 * exactly (default: age band, sex, race/ethnicity and every diagnosis the record states);
 * `similar` holds numbers within ± tolerance × the within-person variation (generate/variation.ts,
 * published figures: a twin's HbA1c is one the same person could show at another visit).
 * See: issue 14 §2.
 */

/** Pseudo-variable for the default age band. */
export const AGE_BAND = 'age_band';
/** Width of an adult age band (years); under 18 the age is kept to the year (children change fast). */
export const AGE_BAND_YEARS = 5;
export const ADULT_AGE_YEARS = 18;
/** Default tolerance: ±1 within-person SD. */
export const DEFAULT_SIMILAR_TOLERANCE = 1;

export interface TwinOptions {
  readonly keep?: readonly string[];
  readonly similar?: readonly string[];
  readonly tolerance?: number;
}

export interface TwinHold {
  readonly variable: string;
  readonly how: 'exact' | 'band' | 'similar';
  readonly constraint: WhereValue;
  readonly note: string;
}

export interface TwinWhere {
  readonly where: WhereJson;
  readonly held: readonly TwinHold[];
  /** Requested variables the record has no value for. */
  readonly absent: readonly string[];
}

function isDiagnosis(v: Variable): boolean {
  return v.fhir?.resource === 'Condition';
}

/** [lo, hi] of the age band holding an age (top-code kept exact). */
export function ageBand(age: number, top: number): RangeJson | number {
  if (age < ADULT_AGE_YEARS || age >= top) return age;
  const lo = Math.max(ADULT_AGE_YEARS, Math.floor(age / AGE_BAND_YEARS) * AGE_BAND_YEARS);
  return { gte: lo, lte: Math.min(top, Math.floor(age / AGE_BAND_YEARS) * AGE_BAND_YEARS + AGE_BAND_YEARS - 1) };
}

/** The variables kept by default for a record: age band, sex, race/ethnicity, every diagnosis it states. */
export function defaultKeep(schema: Schema, values: Row): string[] {
  const out = [AGE_BAND];
  for (const v of schema.variables) {
    if (v.fhir?.resource === 'Patient' && (v.fhir.element === 'gender' || v.fhir.element === 'raceEthnicity')) out.push(v.name);
    else if (isDiagnosis(v) && values[v.name] !== undefined) out.push(v.name);
  }
  return out;
}

/** ± tolerance × within-person variation around a value, on the variable's grid. */
function similarRange(v: Variable, x: number, tolerance: number, diabetic: boolean): { range: RangeJson; note: string } {
  const loinc = v.fhir?.resource === 'Observation' ? v.fhir.code.code : undefined;
  if (loinc === undefined) throw new InvalidInputError(`similar: ${v.name} has no LOINC code, so no within-person variation figure; keep it exactly instead`, [v.name]);
  const variation = (diabetic ? diabetesVariationFor(loinc) : undefined) ?? variationFor(loinc);
  const half = variation.kind === 'sd' ? tolerance * variation.sd : tolerance * variation.cv * x;
  const dec = v.decimals ?? 6;
  const step = 10 ** -dec;
  const h = Math.max(half, step);
  const lo = roundTo(x - h, dec);
  const hi = roundTo(x + h, dec);
  const what = variation.kind === 'sd' ? `SD ${variation.sd}` : `CV ${variation.cv}`;
  return { range: { gte: lo, lte: hi }, note: `±${tolerance} × within-person ${what}${diabetic && diabetesVariationFor(loinc) !== undefined ? ' (diagnosed diabetes)' : ''}` };
}

/** Builds the twin where from mapped values. Unknown names are 400s naming them. */
export function twinWhere(schema: Schema, values: Row, options: TwinOptions = {}): TwinWhere {
  const keep = options.keep ?? defaultKeep(schema, values);
  const similar = options.similar ?? [];
  const tolerance = options.tolerance ?? DEFAULT_SIMILAR_TOLERANCE;
  if (!(tolerance > 0)) throw new InvalidInputError(`tolerance must be positive, got ${tolerance}`, ['tolerance']);
  const byName = new Map(schema.variables.map((v) => [v.name, v]));
  const age = schema.variables.find((v) => v.fhir?.resource === 'Patient' && v.fhir.element === 'birthDate');
  for (const name of [...keep, ...similar]) {
    if (name !== AGE_BAND && !byName.has(name)) {
      throw new InvalidInputError(`"${name}" is not a model variable (use ${AGE_BAND} or one of: ${[...byName.keys()].join(', ')})`, [name]);
    }
  }
  const where: Record<string, WhereValue> = {};
  const held: TwinHold[] = [];
  const absent: string[] = [];
  const hold = (variable: string, how: TwinHold['how'], constraint: WhereValue, note: string): void => {
    where[variable] = constraint;
    held.push({ variable, how, constraint, note });
  };
  const diabetic = values['diabetes_dx'] === 'yes';
  for (const name of keep) {
    if (name === AGE_BAND) {
      const a = age === undefined ? undefined : values[age.name];
      if (age === undefined || typeof a !== 'number') absent.push(AGE_BAND);
      else hold(age.name, 'band', ageBand(a, age.bounds?.max ?? Infinity), `age band of ${a}`);
      continue;
    }
    const x: Value | undefined = values[name];
    if (x === undefined) absent.push(name);
    else hold(name, 'exact', x, 'kept exactly');
  }
  for (const name of similar) {
    const v = byName.get(name)!;
    const x = values[name];
    if (typeof x !== 'number') {
      absent.push(name);
      continue;
    }
    const { range, note } = similarRange(v, x, tolerance, diabetic);
    hold(name, 'similar', range, note);
  }
  return { where, held, absent };
}
