import type { Cohort } from '../../cohort';
import { NotFoundError, SynthfhirError } from '../../errors';
import type { Handler, HandlerCall, Route } from '../context';
import { NDJSON_CHUNK_CHARS, ndjsonChunks, streamResponse } from '../ndjson';
import { FHIR_JSON, operationOutcome } from '../outcome';
import { parsePrefer } from '../prefer';
import type { Resource } from '../types';

import type { ExportJob } from './export-job';
import {
  EXPORT_JOB_ID_RE,
  exportFileName,
  exportJobId,
  exportsAnything,
  parseExportFileName,
  parseExportFormat,
  parseExportTypes,
  parseSinceMs,
  partitionCount,
  partitionRange,
  transactionTimeOf,
  UNSUPPORTED_EXPORT_PARAMETERS,
} from './export-job';
import type { PartitionCache } from './export-cache';
import { partitionKey } from './export-cache';
import { ExportJobs, exportSettingsOf } from './export-jobs';
import { loadOperationDefinition, parseOperationQuery } from './parameters';
import type { OperationDefinition } from './parameters';

/** Canonical URLs of the Bulk Data operations (the IG's: we serve a subset of their parameters). */
export const EXPORT_DEFINITION = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export';
export const PATIENT_EXPORT_DEFINITION = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export';
export const GROUP_EXPORT_DEFINITION = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export';

/** Path segments of the status and file endpoints (below any FHIR base, cohort bases included). */
export const EXPORT_STATUS_SEGMENT = '$export-status';
export const EXPORT_FILE_SEGMENT = '$export-file';

/** Seconds a client is asked to wait before polling again. */
const RETRY_AFTER_SECONDS = 1;

let definition: OperationDefinition | undefined;
/** The kick-off parameters, read once from profiles/ (the three levels take the same ones). */
export function exportOperationDefinition(): OperationDefinition {
  return (definition ??= loadOperationDefinition('OperationDefinition-export.json'));
}

const information = (diagnostics: string): Resource => operationOutcome([{ severity: 'information', code: 'informational', diagnostics }]);

const jobNotFound = (id: string): NotFoundError =>
  new NotFoundError(`No export job "${id}" here: it finished its time to live, was deleted, or never existed.`);

/** A job by id, visible only under its own cohort's base when the request used one. */
async function jobOf({ ctx, params, repo }: HandlerCall): Promise<{ job: ExportJob; jobs: ExportJobs }> {
  const id = params.job;
  const jobs = new ExportJobs(exportSettingsOf(ctx));
  const job = EXPORT_JOB_ID_RE.test(id) ? await jobs.get(id) : undefined;
  if (job === undefined || (repo.explicit && job.cohortId !== repo.cohortId)) throw jobNotFound(id);
  return { job, jobs };
}

/** The absolute kick-off URL, as the manifest's `request` repeats it. */
function requestUrl(call: HandlerCall): string {
  const query = new URLSearchParams(call.req.query.map(([k, v]): [string, string] => [k, v])).toString();
  return `${call.req.baseUrl}${call.req.path.startsWith('/') ? '' : '/'}${call.req.path}${query === '' ? '' : `?${query}`}`;
}

/**
 * The kick-off (`$export` at system, Patient or Group level): validates the request, registers the
 * job (idempotently: its id is a hash of what it asks) and answers 202 with the status URL.
 */
function kickOffHandler(level: ExportJob['level']): Handler {
  return async (call) => {
    const { ctx, req, params, repo } = call;
    if (!parsePrefer(req.headers.prefer).respondAsync) {
      throw new SynthfhirError('INVALID_INPUT', { detail: '$export is asynchronous: send the header "Prefer: respond-async".' }, ['Prefer']);
    }
    const refused = req.query.map(([k]) => k).filter((k) => UNSUPPORTED_EXPORT_PARAMETERS[k] !== undefined);
    if (refused.length > 0) {
      throw new SynthfhirError(
        'UNKNOWN_SEARCH_PARAMETER',
        { detail: `$export does not support ${refused.map((k) => `"${k}" (${UNSUPPORTED_EXPORT_PARAMETERS[k]})`).join(', ')}.` },
        refused,
      );
    }
    const input = parseOperationQuery(exportOperationDefinition(), req.query, { strict: true, warnings: [] });
    const types = parseExportTypes((input._type ?? []).map(String));
    const since = input._since?.[0] === undefined ? undefined : String(input._since[0]);
    if (since !== undefined) parseSinceMs(since);
    const outputFormat = parseExportFormat(input._outputFormat?.[0] === undefined ? undefined : String(input._outputFormat[0]));
    let cohort: Cohort;
    if (level === 'group') {
      if (repo.explicit && params.id !== repo.cohortId) throw new NotFoundError(`Group/${params.id} does not exist.`);
      cohort = await repo.cohort(params.id);
    } else {
      cohort = await repo.cohort(repo.cohortId);
    }
    const settings = exportSettingsOf(ctx);
    const fields = {
      level,
      cohortId: cohort.id,
      size: cohort.spec.size,
      asOf: cohort.spec.asOf,
      types,
      ...(since !== undefined ? { since } : {}),
      outputFormat,
      patientsPerFile: settings.patientsPerFile,
    };
    const job: ExportJob = { id: exportJobId(fields), ...fields, request: requestUrl(call), state: 'accepted' };
    const saved = await new ExportJobs(settings).create(job, req.client);
    return {
      status: 202,
      headers: { 'content-type': FHIR_JSON, 'content-location': `${req.baseUrl}/${EXPORT_STATUS_SEGMENT}/${saved.id}` },
      body: information(`Export job ${saved.id} accepted: poll its status URL (Content-Location).`),
      cohortId: cohort.id,
    };
  };
}

/**
 * The files of a job, in manifest order: partition by partition (a range of patients), and within
 * one the Observations (the largest file) first. A client that downloads in order then generates
 * each patient once: the partition's other types are kept while its Observations are generated
 * (see export-cache.ts).
 */
function outputsOf(job: ExportJob, baseUrl: string): { type: string; url: string }[] {
  if (!exportsAnything(job)) return [];
  const order = [...job.types].sort((x, y) => Number(y === 'Observation') - Number(x === 'Observation'));
  return Array.from({ length: partitionCount(job) }, (_, part) =>
    order.map((type) => ({ type, url: `${baseUrl}/${EXPORT_FILE_SEGMENT}/${job.id}/${exportFileName(type, part)}` })),
  ).flat();
}

/**
 * The Bulk Data manifest. Every field is a function of the job and the base URL (transactionTime is
 * the cohort's asOf), so reruns and replicas serve the same bytes.
 */
export function exportManifest(job: ExportJob, baseUrl: string): Record<string, unknown> {
  return {
    transactionTime: transactionTimeOf(job),
    request: job.request,
    requiresAccessToken: false,
    output: outputsOf(job, baseUrl),
    error: [],
  };
}

/**
 * GET the status URL. The first request after the kick-off plans the job (its files: a list of
 * patient ranges per type, nothing generated) and answers 202 with X-Progress and Retry-After;
 * later requests answer 200 with the manifest. Any replica may plan any job: planning is pure.
 */
const statusHandler: Handler = async (call) => {
  const { job, jobs } = await jobOf(call);
  if (job.state === 'accepted') {
    if (!(await jobs.update({ ...job, state: 'complete' }))) throw jobNotFound(job.id);
    const files = outputsOf(job, call.req.baseUrl).length;
    return {
      status: 202,
      headers: {
        'content-type': FHIR_JSON,
        'x-progress': `planned ${files} files for ${job.size} patients`,
        'retry-after': String(RETRY_AFTER_SECONDS),
      },
      body: information(`Export job ${job.id} is being planned.`),
      cohortId: job.cohortId,
    };
  }
  const manifest = JSON.stringify(exportManifest(job, call.req.baseUrl));
  return streamResponse(200, {}, { contentType: 'application/json', chunks: [manifest] }, job.cohortId);
};

/** DELETE the status URL: cancels (removes) the job → 202; the status URL then answers 404. */
const deleteHandler: Handler = async (call) => {
  const { job, jobs } = await jobOf(call);
  await jobs.delete(job.id);
  return {
    status: 202,
    headers: { 'content-type': FHIR_JSON },
    body: information(`Export job ${job.id} deleted.`),
    cohortId: job.cohortId,
  };
};

/** Keeps the resources updated after `_since` (every resource carries meta.lastUpdated). */
function* updatedAfter(resources: Iterable<Resource>, sinceMs: number): Generator<Resource> {
  let lastText: string | undefined;
  let lastMs = NaN;
  for (const r of resources) {
    const text = r.meta?.lastUpdated;
    if (text !== lastText) {
      lastText = text;
      lastMs = text === undefined ? NaN : Date.parse(text);
    }
    if (lastMs > sinceMs) yield r;
  }
}

/** A cached file's NDJSON in chunks (a string slice shares the string's memory). */
function* sliced(text: string, chunkChars = NDJSON_CHUNK_CHARS): Generator<string> {
  for (let i = 0; i < text.length; i += chunkChars) yield text.slice(i, i + chunkChars);
}

/**
 * Generates one partition once: streams the NDJSON of `type`, and keeps the other requested types'
 * NDJSON (each while under the cache's side limit) for their own files. Stored only when the whole
 * partition was generated: a client that hangs up leaves nothing half-done behind.
 */
async function* generateFile(
  resources: Iterable<Resource>,
  type: string,
  others: readonly string[],
  keyOf: (type: string) => string,
  cache: PartitionCache,
): AsyncGenerator<string> {
  // Every other type starts empty, so that an empty file is kept too.
  const side = new Map<string, string | undefined>(others.map((t) => [t, '']));
  for (const r of ndjsonChunksByType(resources, type, side, cache.maxSideBytes)) yield r;
  for (const [t, text] of side) if (text !== undefined) await cache.put(keyOf(t), text);
}

/** ndjsonChunks for `type`, other types appended to `side` (dropped, as undefined, once over `maxSide`). */
function* ndjsonChunksByType(
  resources: Iterable<Resource>,
  type: string,
  side: Map<string, string | undefined>,
  maxSide: number,
): Generator<string> {
  let buf = '';
  for (const r of resources) {
    if (r.resourceType === type) {
      buf += `${JSON.stringify(r)}\n`;
      if (buf.length >= NDJSON_CHUNK_CHARS) {
        yield buf;
        buf = '';
      }
      continue;
    }
    const had = side.get(r.resourceType);
    if (had === undefined) continue;
    const text = `${had}${JSON.stringify(r)}\n`;
    side.set(r.resourceType, text.length <= maxSide ? text : undefined);
  }
  if (buf !== '') yield buf;
}

/**
 * GET one output file: the resources of one type for one range of patients, streamed as NDJSON,
 * generated now or kept from the generation of another type's file of the same partition (nothing
 * on disk; any replica serves any file; the same bytes either way).
 */
const fileHandler: Handler = async (call) => {
  const { job } = await jobOf(call);
  const file = parseExportFileName(call.params.file);
  if (file === undefined || !job.types.includes(file.type) || file.part >= partitionCount(job) || !exportsAnything(job)) {
    throw new NotFoundError(`Export job ${job.id} has no file "${call.params.file}".`);
  }
  const cohort = await call.repo.cohort(job.cohortId);
  const range = partitionRange(job, file.part);
  const respond = (chunks: Iterable<string> | AsyncIterable<string>): ReturnType<Handler> =>
    Promise.resolve(streamResponse(200, {}, { contentType: job.outputFormat, chunks }, job.cohortId));
  if (job.since !== undefined) {
    const resources = call.repo.cohortPartition(cohort, range, new Set([file.type]));
    return respond(ndjsonChunks(updatedAfter(resources, parseSinceMs(job.since))));
  }
  const cache = exportSettingsOf(call.ctx).partitions;
  const keyOf = (type: string): string => partitionKey(cohort.id, range.start, range.end, type);
  const cached = await cache.get(keyOf(file.type));
  if (cached !== undefined) return respond(sliced(cached));
  const resources = call.repo.cohortPartition(cohort, range, new Set(job.types));
  return respond(generateFile(resources, file.type, job.types.filter((t) => t !== file.type), keyOf, cache));
};

/** The Bulk Data routes: three kick-offs (advertised), the status URL (GET, DELETE) and the files. */
export const EXPORT_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: ['$export'],
    operation: { name: 'export', definition: EXPORT_DEFINITION, level: 'system' },
    handler: kickOffHandler('system'),
  },
  {
    method: 'GET',
    pattern: ['Patient', '$export'],
    operation: { name: 'export', definition: PATIENT_EXPORT_DEFINITION, level: 'type' },
    handler: kickOffHandler('patient'),
  },
  {
    method: 'GET',
    pattern: ['Group', ':id', '$export'],
    operation: { name: 'export', definition: GROUP_EXPORT_DEFINITION, level: 'instance' },
    handler: kickOffHandler('group'),
  },
  { method: 'GET', pattern: [EXPORT_STATUS_SEGMENT, ':job'], handler: statusHandler },
  { method: 'DELETE', pattern: [EXPORT_STATUS_SEGMENT, ':job'], handler: deleteHandler },
  { method: 'GET', pattern: [EXPORT_FILE_SEGMENT, ':job', ':file'], handler: fileHandler },
];
