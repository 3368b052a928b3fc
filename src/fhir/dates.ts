import { jsonOf } from './search';
import type { Resource } from './types';

/**
 * FHIR date/dateTime/instant values as half-open UTC ranges [lo, hi) at their own precision:
 * "2020" is all of 2020, "2020-03-04" that day, a dateTime to the second that second.
 * See: https://hl7.org/fhir/R4/search.html#date (precision), https://hl7.org/fhir/R4/datatypes.html#dateTime
 */
export interface DateRange {
  readonly lo: number;
  readonly hi: number;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses a FHIR date, dateTime or instant into its range; undefined when malformed. */
export function parseFhirDateRange(value: string): DateRange | undefined {
  const d = DATE_RE.exec(value);
  if (d !== null) {
    const y = Number(d[1]);
    const mo = d[2] === undefined ? undefined : Number(d[2]) - 1;
    const day = d[3] === undefined ? undefined : Number(d[3]);
    if (mo !== undefined && (mo < 0 || mo > 11)) return undefined;
    if (mo === undefined) return { lo: Date.UTC(y, 0, 1), hi: Date.UTC(y + 1, 0, 1) };
    if (day === undefined) return { lo: Date.UTC(y, mo, 1), hi: Date.UTC(y, mo + 1, 1) };
    const lo = Date.UTC(y, mo, day);
    if (new Date(lo).getUTCDate() !== day) return undefined;
    return { lo, hi: Date.UTC(y, mo, day + 1) };
  }
  const t = DATETIME_RE.exec(value);
  if (t === null) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const width = t[7] !== undefined ? 1 : t[6] !== undefined ? 1000 : 60_000;
  return { lo: ms, hi: ms + width };
}

type Json = Readonly<Record<string, unknown>>;

function rangeOfValue(v: unknown): DateRange | undefined {
  return typeof v === 'string' ? parseFhirDateRange(v) : undefined;
}

function rangeOfPeriod(p: unknown): DateRange | undefined {
  if (p === null || typeof p !== 'object') return undefined;
  const { start, end } = p as Json;
  const s = rangeOfValue(start);
  const e = rangeOfValue(end);
  if (s === undefined && e === undefined) return undefined;
  // An open end is ongoing (R4 Period: "the end is unknown or the period is ongoing").
  return { lo: s?.lo ?? -Infinity, hi: e?.hi ?? Infinity };
}

/**
 * The care date of a resource (Encounter.period, Observation.effective[x]/issued,
 * Condition.onset[x]/recordedDate) for `$everything` start/end; undefined for resources with none
 * (Patient), which are always in scope.
 */
export function careDateRange(resource: Resource): DateRange | undefined {
  const r = jsonOf(resource);
  switch (r.resourceType) {
    case 'Encounter':
      return rangeOfPeriod(r.period);
    case 'Observation':
      return (
        rangeOfValue(r.effectiveDateTime) ??
        rangeOfValue(r.effectiveInstant) ??
        rangeOfPeriod(r.effectivePeriod) ??
        rangeOfValue(r.issued)
      );
    case 'Condition':
      return rangeOfValue(r.onsetDateTime) ?? rangeOfPeriod(r.onsetPeriod) ?? rangeOfValue(r.recordedDate);
    default:
      return undefined;
  }
}
