/**
 * The encounter timeline over the look-back window: ambulatory visits whose yearly count follows
 * healthcare_visits_past_year, emergency visits at the national rate, inpatient stays that follow
 * hospital_stays_past_year. Year y is the y-th 365-day block before asOf; every instant is before
 * asOf's midnight and after birth. See: docs/ARCHITECTURE.md "From profile to timeline".
 */
import { poisson, uniformInt } from '../random';
import type { Rng } from '../random';
import type { Row, Value } from '../schema';
import { MS_PER_DAY } from '../util';

export type EncounterKind = 'checkUp' | 'followUp' | 'emergency' | 'admission';
export type EncounterClassCode = 'AMB' | 'EMER' | 'IMP';

export interface PlannedEncounter {
  readonly kind: EncounterKind;
  readonly classCode: EncounterClassCode;
  readonly startMs: number;
  readonly endMs: number;
}

export interface Timeline {
  /** Sorted by start. */
  readonly encounters: readonly PlannedEncounter[];
  /** Position in `encounters` of the index visit (the latest ambulatory one), if any. */
  readonly indexVisit: number | undefined;
}

/** NHANES HUQ051 / HUD080 / HUQ071 columns (data/nhanes/README.md). */
export const VISITS_VARIABLE = 'healthcare_visits_past_year';
export const HOSPITALIZED_VARIABLE = 'hospitalized_overnight_past_year';
export const STAYS_VARIABLE = 'hospital_stays_past_year';

const DAYS_PER_BLOCK = 365;

/** Open top bin "16+": NHANES publishes no mean above 16, so draw 16-24 (assumption). */
export const OPEN_BIN_MAX_VISITS = 24;
/** Missing visit count (0.3% of NHANES rows): assume one visit (assumption). */
export const MISSING_VISITS_BIN: readonly [number, number] = [1, 1];
/**
 * Emergency department visits per person-year: 42 per 100 persons, annual average 2015-2018.
 * Source: NCHS, NHAMCS, MMWR QuickStats "Rate of ED visits by homeless status and region,
 * 2015-2018" (42 visits per 100 total population). HUQ051 excludes ED visits, so they are extra.
 */
export const ED_VISITS_PER_PERSON_YEAR = 0.42;
/**
 * Hospital stays per person-year in the US population: 116.2 per 1,000 (2012), used for years
 * before the past one when the profile reports no stay. Source: HCUP Statistical Brief #180
 * (Weiss & Elixhauser, 2014), Table 1.
 */
export const HOSPITAL_STAYS_PER_PERSON_YEAR = 0.1162;
/** Mean length of stay 4.5 days. Source: HCUP Statistical Brief #180 (2012, all stays). */
export const MEAN_LENGTH_OF_STAY_DAYS = 4.5;
/** Office visit length in minutes: ~20 min face-to-face (NAMCS time spent with physician; rounded). */
export const AMBULATORY_VISIT_MINUTES = 20;
/** ED length of visit ~3 hours (NHAMCS ED summaries report medians of about 2-3 h; rounded assumption). */
export const ED_VISIT_MINUTES = 180;
/** Clinic hours for ambulatory visits, in the patient's local (standard) time. */
export const CLINIC_OPEN_HOUR = 8;
export const CLINIC_CLOSE_HOUR = 17;
const SLOT_MINUTES = 15;
const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 24 * 60;
/** With no visit in the past year, the last check-up is drawn 1-2 years back. */
const LAST_CHECKUP_DAYS: readonly [number, number] = [DAYS_PER_BLOCK + 1, 2 * DAYS_PER_BLOCK];

/** The [lo, hi] visit count an NHANES bin label ("0", "2-3", "16+") or number stands for. */
export function visitBin(value: Value | undefined): readonly [number, number] {
  if (typeof value === 'number') return [Math.max(0, Math.round(value)), Math.max(0, Math.round(value))];
  if (value === undefined) return MISSING_VISITS_BIN;
  let m = /^(\d+)$/.exec(value);
  if (m) return [Number(m[1]), Number(m[1])];
  m = /^(\d+)-(\d+)$/.exec(value);
  if (m) return [Number(m[1]), Number(m[2])];
  m = /^(\d+)\+$/.exec(value);
  if (m) return [Number(m[1]), Math.max(Number(m[1]), OPEN_BIN_MAX_VISITS)];
  return MISSING_VISITS_BIN;
}

/** Hospital stays in the past year from the profile (0 when not hospitalized). */
export function staysPastYear(profile: Row): number {
  const hospitalized = profile[HOSPITALIZED_VARIABLE];
  if (hospitalized === 'no') return 0;
  const n = profile[STAYS_VARIABLE];
  if (typeof n === 'number' && n >= 1) return Math.round(n);
  return hospitalized === 'yes' ? 1 : 0;
}

function drawInBin(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + uniformInt(rng, hi - lo + 1);
}

/** Geometric on {0, 1, ...} with the given mean, by inversion (one uniform). */
function geometric(rng: Rng, mean: number): number {
  const p = 1 / (1 + mean);
  return Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p));
}

export interface TimelineInput {
  readonly asOfMs: number;
  readonly birthMs: number;
  readonly lookbackYears: number;
  readonly profile: Row;
  /** Whether the profile has measurements, which need an index visit even with no visits. */
  readonly needsIndexVisit: boolean;
  /** The patient's UTC offset in minutes (time-zones.ts), to put visits in local clinic hours. */
  readonly utcOffsetMinutes: number;
}

/** Draws the encounter timeline (one stream: 'timeline'). */
export function drawTimeline(rng: Rng, input: TimelineInput): Timeline {
  const { asOfMs, birthMs, lookbackYears, profile } = input;
  const ageDays = Math.floor((asOfMs - birthMs) / MS_PER_DAY);
  const dayAt = (daysBefore: number, minuteOfDay: number): number =>
    asOfMs - daysBefore * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  // Local clinic time as a UTC minute of day, wrapped into the same UTC day, so that day blocks
  // (and "before asOf") are counted in UTC days whatever the patient's zone.
  const clinicMinute = (): number => {
    const local = CLINIC_OPEN_HOUR * 60 + SLOT_MINUTES * uniformInt(rng, ((CLINIC_CLOSE_HOUR - CLINIC_OPEN_HOUR) * 60) / SLOT_MINUTES);
    return (((local - input.utcOffsetMinutes) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  };
  const ambulatoryEnd = (startMs: number): number =>
    Math.min(startMs + AMBULATORY_VISIT_MINUTES * MS_PER_MINUTE, asOfMs - MS_PER_MINUTE);
  const anyMinute = (): number => uniformInt(rng, MINUTES_PER_DAY);
  const out: PlannedEncounter[] = [];

  const bin = visitBin(profile[VISITS_VARIABLE]);
  const stays0 = staysPastYear(profile);
  for (let y = 0; y < lookbackYears; y++) {
    const lo = y * DAYS_PER_BLOCK + 1;
    const hi = Math.min((y + 1) * DAYS_PER_BLOCK, ageDays);
    if (hi < lo) break;
    const span = hi - lo + 1;
    const nAmb = drawInBin(rng, bin);
    const days: number[] = [];
    for (let i = 0; i < nAmb; i++) days.push(lo + uniformInt(rng, span));
    // The earliest visit of each year is its check-up; the rest are follow-ups.
    const earliest = days.length ? Math.max(...days) : -1;
    let checkUpGiven = false;
    for (const d of days) {
      const startMs = dayAt(d, clinicMinute());
      const kind: EncounterKind = d === earliest && !checkUpGiven ? 'checkUp' : 'followUp';
      if (kind === 'checkUp') checkUpGiven = true;
      out.push({ kind, classCode: 'AMB', startMs, endMs: ambulatoryEnd(startMs) });
    }
    const nEd = poisson(rng, ED_VISITS_PER_PERSON_YEAR);
    for (let i = 0; i < nEd; i++) {
      const startMs = dayAt(lo + uniformInt(rng, span), anyMinute());
      out.push({ kind: 'emergency', classCode: 'EMER', startMs, endMs: Math.min(startMs + ED_VISIT_MINUTES * MS_PER_MINUTE, asOfMs - MS_PER_MINUTE) });
    }
    const nImp = y === 0 ? stays0 : poisson(rng, Math.max(stays0, HOSPITAL_STAYS_PER_PERSON_YEAR));
    for (let i = 0; i < nImp; i++) {
      // Discharge before asOf: the admission day is at least length-of-stay + 1 days back.
      const los = Math.min(1 + geometric(rng, MEAN_LENGTH_OF_STAY_DAYS - 1), Math.max(1, hi - 1));
      const first = Math.min(Math.max(lo, los + 1), hi);
      const startMs = dayAt(first + uniformInt(rng, hi - first + 1), anyMinute());
      out.push({ kind: 'admission', classCode: 'IMP', startMs, endMs: Math.min(startMs + los * MS_PER_DAY, asOfMs - MS_PER_MINUTE) });
    }
  }

  if (input.needsIndexVisit && !out.some((e) => e.classCode === 'AMB') && ageDays >= 1) {
    const lo = ageDays > LAST_CHECKUP_DAYS[0] ? LAST_CHECKUP_DAYS[0] : 1;
    const hi = Math.min(LAST_CHECKUP_DAYS[1], ageDays);
    const startMs = dayAt(lo + uniformInt(rng, hi - lo + 1), clinicMinute());
    out.push({ kind: 'checkUp', classCode: 'AMB', startMs, endMs: ambulatoryEnd(startMs) });
  }

  out.sort((a, b) => a.startMs - b.startMs);
  let indexVisit: number | undefined;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i].classCode === 'AMB') {
      indexVisit = i;
      break;
    }
  }
  return { encounters: out, indexVisit };
}
