import { InvalidInputError } from '../errors';
import { csvField, outputColumns } from '../schema';
import type { Row, Schema } from '../schema';

import type { Cohort, CohortMember } from './cohorts';
import { patientIdOf } from './patient-id';

/**
 * The flat table of a cohort, one row per patient: patient id, stratum, importance weight, then
 * every model variable in schema order (derived ones last), as the server's
 * `/cohorts/<id>/profiles.csv|.ndjson` and `synthfhir cohort --format csv|ndjson` write it — the
 * same bytes from both, built here once. Produced in chunks so that writers stream it with
 * backpressure and never hold the table. See: issue 9 §2.
 */
export const PROFILE_TABLE_FORMATS = ['csv', 'ndjson'] as const;
export type ProfileTableFormat = (typeof PROFILE_TABLE_FORMATS)[number];

/** The three leading columns, before the model's variables. */
export const PROFILE_ID_COLUMNS = ['patient_id', 'stratum', 'weight'] as const;

/** Rows per chunk: large writes, bounded memory (about 1 kB per row). */
export const PROFILE_CHUNK_ROWS = 256;

/** Media types of the two formats. */
export const PROFILE_TABLE_MEDIA_TYPES: Readonly<Record<ProfileTableFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** What the table needs from the cohort service (CohortService satisfies it). */
export interface ProfileSource {
  profileAt(cohort: Cohort, index: number): Row;
  memberOf(cohort: Cohort, index: number): CohortMember;
}

export function parseProfileTableFormat(text: string, field = 'format'): ProfileTableFormat {
  const f = PROFILE_TABLE_FORMATS.find((x) => x === text);
  if (f === undefined) throw new InvalidInputError(`${field} must be one of ${PROFILE_TABLE_FORMATS.join(', ')}, got "${text}"`, [field]);
  return f;
}

/** The table's columns: patient_id, stratum, weight, then the schema's output columns. */
export function profileColumns(schema: Schema): readonly string[] {
  return [...PROFILE_ID_COLUMNS, ...outputColumns(schema)];
}

function csvLine(columns: readonly string[], pid: string, m: CohortMember, row: Row): string {
  let line = `${csvField(pid)},${csvField(m.stratum)},${csvField(m.weight)}`;
  for (let c = PROFILE_ID_COLUMNS.length; c < columns.length; c++) line += `,${csvField(row[columns[c]])}`;
  return `${line}\n`;
}

/** One JSON object per line, keys in column order; a missing value is an absent key. */
function ndjsonLine(columns: readonly string[], pid: string, m: CohortMember, row: Row): string {
  const out: Record<string, unknown> = { patient_id: pid, stratum: m.stratum, weight: m.weight };
  for (let c = PROFILE_ID_COLUMNS.length; c < columns.length; c++) {
    const v = row[columns[c]];
    if (v !== undefined) out[columns[c]] = v;
  }
  return `${JSON.stringify(out)}\n`;
}

/**
 * The table as string chunks (the CSV header first), patients `from` ≤ i < `to` (default: all).
 * Lazy: each chunk is generated when asked for, so a consumer that waits for 'drain' between
 * chunks holds one chunk at a time.
 */
export function* profileTableChunks(
  source: ProfileSource,
  cohort: Cohort,
  schema: Schema,
  format: ProfileTableFormat,
  range: { readonly from?: number; readonly to?: number; readonly chunkRows?: number } = {},
): Generator<string, void, undefined> {
  const columns = profileColumns(schema);
  const from = range.from ?? 0;
  const to = Math.min(range.to ?? cohort.spec.size, cohort.spec.size);
  const chunkRows = range.chunkRows ?? PROFILE_CHUNK_ROWS;
  const line = format === 'csv' ? csvLine : ndjsonLine;
  if (format === 'csv' && from === 0) yield `${columns.map((c) => csvField(c)).join(',')}\n`;
  for (let start = from; start < to; start += chunkRows) {
    let chunk = '';
    const end = Math.min(to, start + chunkRows);
    for (let i = start; i < end; i++) {
      chunk += line(columns, patientIdOf(cohort.id, i), source.memberOf(cohort, i), source.profileAt(cohort, i));
    }
    yield chunk;
  }
}
