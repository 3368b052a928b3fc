/**
 * Which Observation is taken at which visit, with which value. The index visit (the latest
 * ambulatory one) carries exactly the profile's values; earlier visits carry values drawn around
 * them (variation.ts, growth.ts) on each code's schedule (schedule.ts); emergency visits and
 * inpatient stays, at any time, record the visit vitals, and admissions the profile's labs too,
 * drawn the same way. A value missing in
 * the profile yields no Observation of that code at all; an item outside its age window at an
 * earlier visit (e.g. HbA1c before 12) is skipped there.
 */
import type { Coding } from './fhir-types';

import type { Rng } from '../random';
import { EGFR_MIN_AGE_YEARS, bmiKgM2, egfrCkdEpi2021, friedewaldLdl, roundTo } from '../schema';
import type { Row } from '../schema';
import { MS_PER_DAY } from '../util';
import { completedYears, fractionalAgeYears } from './birth-date';
import { growthRatio } from './growth';
import type { CodedSpec, GenerationPlan, PanelSpec, QuantitySpec } from './plan';
import { YEARLY_INTERVAL_MONTHS, labIntervalMonths } from './schedule';
import type { Schedule } from './schedule';
import type { Timeline } from './timeline';
import { hasDiagnosedDiabetes, vary } from './variation';

export type ObservationEvent =
  | { readonly kind: 'quantity'; readonly encounter: number; readonly timeMs: number; readonly ageYears: number;
      readonly spec: QuantitySpec; readonly value: number }
  | { readonly kind: 'panel'; readonly encounter: number; readonly timeMs: number; readonly ageYears: number;
      readonly spec: PanelSpec; readonly components: readonly (QuantitySpec | undefined)[];
      readonly values: readonly (number | undefined)[] }
  | { readonly kind: 'coded'; readonly encounter: number; readonly timeMs: number; readonly spec: CodedSpec;
      readonly value: { readonly coding?: Coding; readonly text: string } };

/**
 * A repeat falls at the first visit at least this share of the interval after the previous one:
 * visits rarely land on the due date (assumption).
 */
export const DUE_FRACTION = 0.85;
const DAYS_PER_MONTH = 365.2425 / 12;
const MS_PER_MINUTE = 60_000;
/** Adult reference ranges apply from this age (schema: "adult reference range"). */
export const ADULT_AGE_YEARS = 18;

export interface MeasurementInput {
  readonly plan: GenerationPlan;
  readonly profile: Row;
  readonly timeline: Timeline;
  readonly birthMs: number;
  readonly asOfMs: number;
  readonly vitalsRng: Rng;
  readonly labsRng: Rng;
}

const num = (row: Row, name: string): number | undefined => {
  const v = row[name];
  return typeof v === 'number' ? v : undefined;
};

/** The coding of a coded Observation for a profile: the refining variable's coding wins. */
export function codedValueOf(spec: CodedSpec, profile: Row): { readonly coding?: Coding; readonly text: string } | undefined {
  const label = profile[spec.name];
  if (typeof label !== 'string') return undefined;
  const refinedLabel = spec.refinedBy ? profile[spec.refinedBy.variable] : undefined;
  const refined = typeof refinedLabel === 'string' ? spec.refinedBy?.valueCodes[refinedLabel] : undefined;
  const coding = refined ?? spec.valueCodes[label];
  return coding ? { coding, text: coding.display } : { text: label };
}

/** Encounter positions (ambulatory, chronological) at which a schedule measures. */
function dueVisits(schedule: Schedule, amb: readonly number[], starts: readonly number[], profile: Row): Set<number> {
  const index = amb[amb.length - 1];
  let months: number;
  switch (schedule.kind) {
    case 'every-visit':
      return new Set(amb);
    case 'index-only':
      return new Set([index]);
    case 'yearly':
      months = YEARLY_INTERVAL_MONTHS;
      break;
    case 'lab':
      months = labIntervalMonths(schedule.group, profile);
      break;
  }
  const due = new Set([index]);
  if (!Number.isFinite(months)) return due;
  const gapMs = months * DAYS_PER_MONTH * DUE_FRACTION * MS_PER_DAY;
  let last = starts[index];
  for (let i = amb.length - 2; i >= 0; i--) {
    if (last - starts[amb[i]] >= gapMs) {
      due.add(amb[i]);
      last = starts[amb[i]];
    }
  }
  return due;
}

/** Plans every Observation of a record, in chronological order. */
export function planMeasurements(input: MeasurementInput): ObservationEvent[] {
  const { plan, profile, timeline, birthMs, asOfMs } = input;
  if (timeline.indexVisit === undefined) return [];
  const amb: number[] = [];
  timeline.encounters.forEach((e, i) => {
    if (e.classCode === 'AMB') amb.push(i);
  });
  const starts = timeline.encounters.map((e) => e.startMs);
  const index = timeline.indexVisit;
  const sex = profile[plan.patient.sex];
  const ageNow = fractionalAgeYears(birthMs, asOfMs);
  const diabetic = hasDiagnosedDiabetes(profile);

  const quantities = plan.quantities.filter((s) => num(profile, s.name) !== undefined);
  const qDue = quantities.map((s) => dueVisits(s.schedule, amb, starts, profile));
  const panels = plan.panels
    .map((p) => {
      const setPoints = p.componentCodes.map((_, c) => {
        const vals = p.readings.map((r) => (r[c] ? num(profile, r[c].name) : undefined)).filter((v) => v !== undefined);
        return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : undefined;
      });
      return { p, setPoints };
    })
    .filter(({ setPoints }) => setPoints.some((v) => v !== undefined));
  const pDue = panels.map(({ p }) => dueVisits(p.schedule, amb, starts, profile));
  // Acute care: every emergency visit and inpatient stay records the visit vitals (the codes measured
  // at every ambulatory visit), and an admission also the labs the profile has (admission labs).
  const acute: number[] = [];
  timeline.encounters.forEach((enc, i) => {
    if (enc.classCode !== 'EMER' && enc.classCode !== 'IMP') return;
    acute.push(i);
    const takesLabs = enc.classCode === 'IMP';
    const due = (schedule: Schedule, category: string): boolean =>
      schedule.kind === 'every-visit' || (takesLabs && category === 'laboratory');
    quantities.forEach((q, k) => {
      if (due(q.schedule, q.category)) qDue[k].add(i);
    });
    panels.forEach(({ p }, k) => {
      if (due(p.schedule, p.category)) pDue[k].add(i);
    });
  });
  const visits = [...amb, ...acute].sort((a, b) => a - b);

  const events: ObservationEvent[] = [];
  for (const e of visits) {
    const timeMs = starts[e];
    const ageYears = completedYears(birthMs, timeMs);
    if (e === index) {
      pushIndexVisit(events, input, quantities, panels.map(({ p }) => p), e, timeMs, ageYears);
      continue;
    }
    const inWindow = (s: QuantitySpec): boolean => ageYears >= s.minAgeYears && ageYears <= s.maxAgeYears;
    const ageAt = fractionalAgeYears(birthMs, timeMs);
    const rngOf = (s: QuantitySpec): Rng => (s.category === 'vital-signs' ? input.vitalsRng : input.labsRng);
    const setPointAt = (s: QuantitySpec, setPoint: number): number =>
      s.growth ? setPoint * growthRatio(s.growth, sex, ageAt, ageNow) : setPoint;
    const draw = (s: QuantitySpec, setPoint: number): number => {
      const variation = diabetic && s.diabetesVariation ? s.diabetesVariation : s.variation;
      let v = vary(rngOf(s), setPointAt(s, setPoint), variation);
      if (s.bounds) v = Math.min(s.bounds.max, Math.max(s.bounds.min, v));
      return roundTo(v, s.decimals);
    };

    panels.forEach(({ p, setPoints }, k) => {
      if (!pDue[k].has(e)) return;
      // Earlier visits record one reading, laid out like the profile's first one.
      const components = p.componentCodes.map((_, c) => p.readings.find((r) => r[c])?.[c]);
      if (components.some((s) => s && !inWindow(s))) return;
      const values = setPoints.map((sp, c) => (sp === undefined || !components[c] ? undefined : draw(components[c], sp)));
      events.push({ kind: 'panel', encounter: e, timeMs, ageYears, spec: p, components, values });
    });
    const visitValues = new Map<string, number>();
    quantities.forEach((s, k) => {
      if (s.derived || !qDue[k].has(e) || !inWindow(s)) return;
      const value = draw(s, num(profile, s.name) as number);
      visitValues.set(s.name, value);
      events.push({ kind: 'quantity', encounter: e, timeMs, ageYears, spec: s, value });
    });
    quantities.forEach((s, k) => {
      if (!s.derived || !qDue[k].has(e) || !inWindow(s)) return;
      const input = (name: string): number | undefined => {
        const measured = visitValues.get(name);
        if (measured !== undefined) return measured;
        const base = num(profile, name);
        const spec = quantities.find((q) => q.name === name);
        // An input outside its age window (height before 2) was not measured: no derived value.
        if (base === undefined || (spec && !inWindow(spec))) return undefined;
        return spec ? setPointAt(spec, base) : base;
      };
      const value = derivedValue(s, input, ageYears, sex);
      if (value !== undefined) events.push({ kind: 'quantity', encounter: e, timeMs, ageYears, spec: s, value });
    });
  }
  return events;
}

/** A derived value at an earlier visit, from that visit's inputs (same formulas as schema/derived). */
function derivedValue(
  s: QuantitySpec,
  input: (name: string) => number | undefined,
  ageYears: number,
  sex: unknown,
): number | undefined {
  const d = s.derived;
  if (!d) return undefined;
  switch (d.formula) {
    case 'bmi': {
      const w = input(d.inputs[0]);
      const h = input(d.inputs[1]);
      return w === undefined || h === undefined || h <= 0 ? undefined : roundTo(bmiKgM2(w, h), s.decimals);
    }
    case 'egfr_ckd_epi_2021': {
      const c = input(d.inputs[0]);
      if (c === undefined || c <= 0 || ageYears < EGFR_MIN_AGE_YEARS || (sex !== 'female' && sex !== 'male')) return undefined;
      return roundTo(egfrCkdEpi2021(c, ageYears, sex), s.decimals);
    }
    case 'friedewald': {
      const [total, hdl, tg] = d.inputs.map(input);
      const ldl = total === undefined || hdl === undefined || tg === undefined ? undefined : friedewaldLdl(total, hdl, tg);
      return ldl === undefined ? undefined : roundTo(ldl, s.decimals);
    }
  }
}

function pushIndexVisit(
  events: ObservationEvent[],
  input: MeasurementInput,
  quantities: readonly QuantitySpec[],
  panels: readonly PanelSpec[],
  e: number,
  timeMs: number,
  ageYears: number,
): void {
  const { plan, profile } = input;
  for (const p of panels) {
    // Every reading the profile has, a minute apart: the last one is the latest value.
    p.readings.forEach((r, k) => {
      const values = r.map((s) => (s ? num(profile, s.name) : undefined));
      if (values.every((v) => v === undefined)) return;
      events.push({ kind: 'panel', encounter: e, timeMs: timeMs + k * MS_PER_MINUTE, ageYears, spec: p, components: r, values });
    });
  }
  for (const s of quantities) {
    events.push({ kind: 'quantity', encounter: e, timeMs, ageYears, spec: s, value: num(profile, s.name) as number });
  }
  for (const c of plan.coded) {
    const value = codedValueOf(c, profile);
    if (value) events.push({ kind: 'coded', encounter: e, timeMs, spec: c, value });
  }
}
