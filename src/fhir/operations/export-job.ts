import { z } from 'zod';

import { SynthfhirError } from '../../errors';
import { canonicalJson, sha256Hex } from '../../util';
import { isServedType, SERVED_TYPES } from '../context';
import type { ServedType } from '../context';

/**
 * A Bulk Data export job: what was asked (level, cohort, types, `_since`, format) and how its
 * output is cut (patients per file). Small and fixed-size whatever the cohort's size: the files
 * are generated when fetched, never stored. See: https://hl7.org/fhir/uv/bulkdata/export.html
 */
export interface ExportJob {
  readonly id: string;
  /** system (`/$export`), patient (`/Patient/$export`) or group (`/Group/<id>/$export`). */
  readonly level: 'system' | 'patient' | 'group';
  readonly cohortId: string;
  /** The cohort's size: the number of patients exported. */
  readonly size: number;
  /** The cohort's asOf (YYYY-MM-DD): the deterministic transactionTime. */
  readonly asOf: string;
  /** Requested types, in SERVED_TYPES order. */
  readonly types: readonly ServedType[];
  /** `_since` as given (an instant; only resources updated after it). */
  readonly since?: string;
  readonly outputFormat: ExportFormat;
  readonly patientsPerFile: number;
  /** The kick-off URL (the manifest's `request`). */
  readonly request: string;
  /** `accepted` until the first status request plans the output, `complete` after. */
  readonly state: 'accepted' | 'complete';
}

/** The output formats served: FHIR NDJSON under either name. */
export type ExportFormat = 'application/fhir+ndjson' | 'application/ndjson';

/** `_outputFormat` values accepted, and the format each means. */
const FORMAT_ALIASES: Readonly<Record<string, ExportFormat>> = {
  'application/fhir+ndjson': 'application/fhir+ndjson',
  // An unencoded `+` in a query string arrives as a space.
  'application/fhir ndjson': 'application/fhir+ndjson',
  'application/ndjson': 'application/ndjson',
  ndjson: 'application/fhir+ndjson',
};

/** Parameters of the Bulk Data kick-off this server refuses (400), with why. */
export const UNSUPPORTED_EXPORT_PARAMETERS: Readonly<Record<string, string>> = {
  _elements: 'resources are always exported whole',
  patient: 'export a cohort (Group/<id>/$export) or register one with Group/$cohort',
  includeAssociatedData: 'there is no associated data (Provenance) to include',
  _typeFilter: 'export whole types with _type; filter with a cohort (Group/$cohort) instead',
};

/** Job ids: 32 hex characters (128 bits of sha256). */
export const EXPORT_JOB_ID_RE = /^[0-9a-f]{32}$/;

const JOB_SCHEMA = z
  .object({
    id: z.string().regex(EXPORT_JOB_ID_RE),
    level: z.enum(['system', 'patient', 'group']),
    cohortId: z.string().min(1),
    size: z.number().int().min(1),
    asOf: z.string(),
    types: z.array(z.enum(SERVED_TYPES)).min(1),
    since: z.string().optional(),
    outputFormat: z.enum(['application/fhir+ndjson', 'application/ndjson']),
    patientsPerFile: z.number().int().min(1),
    request: z.string(),
    state: z.enum(['accepted', 'complete']),
  })
  .strict();

/** Validates a stored job (the store is ours, but a bad record must become a 404, not a 500). */
export function parseExportJob(json: unknown): ExportJob | undefined {
  const r = JOB_SCHEMA.safeParse(json);
  return r.success ? r.data : undefined;
}

/**
 * The job id: a hash of everything that decides the output (not of the URL's spelling or the
 * replica), so the same request gives the same job and status URL on any replica, again and again.
 */
export function exportJobId(job: Omit<ExportJob, 'id' | 'request' | 'state'>): string {
  return sha256Hex(
    canonicalJson({
      v: 1,
      level: job.level,
      cohortId: job.cohortId,
      types: job.types,
      ...(job.since !== undefined ? { since: job.since } : {}),
      outputFormat: job.outputFormat,
      patientsPerFile: job.patientsPerFile,
    }),
  ).slice(0, 32);
}

/** `_type` values (comma-separated, repeatable) → served types in SERVED_TYPES order; 400 naming any other. */
export function parseExportTypes(values: readonly string[]): readonly ServedType[] {
  if (values.length === 0) return SERVED_TYPES;
  const asked = values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  const unknown = asked.filter((t) => !isServedType(t));
  if (unknown.length > 0) {
    throw new SynthfhirError(
      'INVALID_INPUT',
      { detail: `$export: _type ${unknown.map((t) => `"${t}"`).join(', ')} not exported here (exported: ${SERVED_TYPES.join(', ')}).` },
      ['_type'],
    );
  }
  if (asked.length === 0) throw new SynthfhirError('INVALID_INPUT', { detail: '$export: _type is empty.' }, ['_type']);
  return SERVED_TYPES.filter((t) => asked.includes(t));
}

/** `_outputFormat` → the format; 400 listing the accepted values. */
export function parseExportFormat(value: string | undefined): ExportFormat {
  if (value === undefined) return 'application/fhir+ndjson';
  const f = FORMAT_ALIASES[value.trim().toLowerCase()];
  if (f === undefined) {
    throw new SynthfhirError(
      'INVALID_INPUT',
      { detail: `$export: _outputFormat "${value}" is not served (served: application/fhir+ndjson, application/ndjson, ndjson).` },
      ['_outputFormat'],
    );
  }
  return f;
}

/** `_since` → epoch ms; 400 when it is not an instant Date.parse understands. */
export function parseSinceMs(since: string): number {
  const ms = Date.parse(since);
  if (!Number.isFinite(ms)) {
    throw new SynthfhirError('INVALID_INPUT', { detail: `$export: _since "${since}" is not a FHIR instant.` }, ['_since']);
  }
  return ms;
}

/** The manifest's transactionTime: the cohort's asOf at midnight UTC (every resource's lastUpdated), never the wall clock. */
export function transactionTimeOf(job: Pick<ExportJob, 'asOf'>): string {
  return `${job.asOf}T00:00:00Z`;
}

/** Number of output files per type: the cohort cut into ranges of patientsPerFile patients. */
export function partitionCount(job: Pick<ExportJob, 'size' | 'patientsPerFile'>): number {
  return Math.ceil(job.size / job.patientsPerFile);
}

/** Patient index range [start, end) of partition `part`. */
export function partitionRange(job: Pick<ExportJob, 'size' | 'patientsPerFile'>, part: number): { start: number; end: number } {
  const start = part * job.patientsPerFile;
  return { start, end: Math.min(job.size, start + job.patientsPerFile) };
}

/**
 * Whether the job exports anything: `_since` keeps resources updated strictly after it, and every
 * generated resource was last updated at the cohort's asOf (so a follow-up export with the previous
 * transactionTime as `_since` is empty).
 */
export function exportsAnything(job: Pick<ExportJob, 'since' | 'asOf'>): boolean {
  return job.since === undefined || parseSinceMs(job.since) < Date.parse(transactionTimeOf(job));
}

/** The file name of one output file: `<Type>-<part>.ndjson`. */
export function exportFileName(type: ServedType, part: number): string {
  return `${type}-${part}.ndjson`;
}

/** Parses a file name back; undefined for anything else. */
export function parseExportFileName(name: string): { type: ServedType; part: number } | undefined {
  const m = /^([A-Za-z]+)-(0|[1-9][0-9]{0,8})\.ndjson$/.exec(name);
  if (m === null || !isServedType(m[1])) return undefined;
  return { type: m[1], part: Number(m[2]) };
}
