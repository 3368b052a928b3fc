import { patientIdOf, twinWhere } from '../../cohort';
import type { TwinWhere } from '../../cohort';
import { InvalidInputError } from '../../errors';
import { canonicalJson } from '../../util';
import type { Handler } from '../context';
import { fullUrlOf } from '../bundle';
import { FHIR_JSON } from '../outcome';
import { mapRecord } from '../record-map';
import type { RecordMapping } from '../record-map';
import { createRepository } from '../repository';
import type { Parameters, ParametersParameter, Resource } from '../types';

import { toGroup } from './group';
import { loadOperationDefinition, parseOperationInput } from './parameters';
import type { OperationDefinition } from './parameters';

/** Canonical URL of the twin operation. */
export const TWIN_DEFINITION = 'https://synthfhir.dev/fhir/OperationDefinition/Patient-twin';
/** Default and largest number of twins. */
export const DEFAULT_TWIN_COUNT = 50;
export const MAX_TWIN_COUNT = 10_000;

let definition: OperationDefinition | undefined;
/** Its parameters, read once from profiles/OperationDefinition-Patient-twin.json. */
export function twinOperationDefinition(): OperationDefinition {
  return (definition ??= loadOperationDefinition('OperationDefinition-Patient-twin.json'));
}

function list(text: unknown): string[] | undefined {
  return typeof text === 'string' ? text.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
}


/** The mapping report as a Parameters resource: where, held, used, ignored, absent. */
export function twinReport(mapping: RecordMapping, twin: TwinWhere): Parameters {
  const part = (name: string, fields: Record<string, unknown>): ParametersParameter => ({
    name,
    part: Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({ name: k, valueString: typeof v === 'string' ? v : JSON.stringify(v) })),
  });
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'where', valueString: canonicalJson(twin.where) },
      ...twin.held.map((h) => part('held', { variable: h.variable, how: h.how, constraint: h.constraint, note: h.note })),
      ...mapping.used.map((u) => part('used', { source: u.source, variable: u.variable, value: u.value, note: u.note })),
      ...mapping.ignored.map((u) => part('ignored', { source: u.source, variable: u.variable, note: u.note })),
      ...twin.absent.map((a) => ({ name: 'absent', valueString: `${a}: not in the record, not held` })),
    ],
  };
}

/** The resources of a posted Bundle (entry[].resource). */
function bundleResources(body: unknown): unknown[] {
  const b = body as { resourceType?: unknown; entry?: unknown };
  if (!Array.isArray(b.entry)) throw new InvalidInputError('$twin: Bundle.entry must be an array of { resource }', ['entry']);
  return (b.entry as { resource?: unknown }[]).map((e) => e.resource).filter((r) => r !== undefined);
}

/**
 * Patient/[id]/$twin (GET, POST Parameters) and Patient/$twin (POST a Bundle): maps the record to
 * variables, builds the twin where (cohort/twin-where.ts), registers the cohort and returns a
 * collection Bundle (Group, mapping report, first page of twins). See: issue 14 §2.
 */
export const twinHandler: Handler = async ({ ctx, req, params, repo }) => {
  const isBundle = (req.body as { resourceType?: unknown } | undefined)?.resourceType === 'Bundle';
  if (params.id === undefined && !isBundle) throw new InvalidInputError('POST Patient/$twin needs a Bundle (Patient, Observations, Conditions) as its body', ['body']);
  const input = parseOperationInput(twinOperationDefinition(), [...req.query, ...(req.form ?? [])], isBundle ? undefined : req.body);
  const count = (input.count as number | undefined) ?? DEFAULT_TWIN_COUNT;
  if (!(count >= 1 && count <= MAX_TWIN_COUNT)) throw new InvalidInputError(`$twin: count must be 1 to ${MAX_TWIN_COUNT}, got ${count}`, ['count']);
  const tolerance = input.tolerance === undefined ? undefined : Number(input.tolerance);
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance > 0)) throw new InvalidInputError(`$twin: tolerance must be a positive number, got "${String(input.tolerance)}"`, ['tolerance']);
  let asOf = typeof input.asOf === 'string' ? input.asOf : ctx.asOf;
  let resources: readonly unknown[];
  let source: string;
  if (params.id !== undefined) {
    resources = await repo.patientResources(params.id);
    const cohortId = repo.cohortOf(params.id);
    if (typeof input.asOf !== 'string' && cohortId !== undefined) asOf = (await repo.cohort(cohortId)).spec.asOf;
    source = `Patient/${params.id}`;
  } else {
    resources = bundleResources(req.body);
    source = 'a posted record';
  }
  const model = ctx.cohorts.models.default;
  const mapping = mapRecord(model.schema, resources, asOf);
  const keep = list(input.keep);
  const similar = list(input.similar);
  const twin = twinWhere(model.schema, mapping.values, {
    ...(keep !== undefined ? { keep } : {}),
    ...(similar !== undefined ? { similar } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
  });
  const cohort = await ctx.cohorts.register({
    size: count,
    seed: (input.seed as number | undefined) ?? 1,
    where: twin.where,
    asOf,
    name: `twins of ${source}`,
    conditioning: 'record',
  });
  const group = toGroup(cohort);
  const scoped = createRepository(ctx, { cohortId: cohort.id });
  const page: Resource[] = [];
  for (let i = 0; i < Math.min(count, ctx.defaultCount); i++) page.push(await scoped.read('Patient', patientIdOf(cohort.id, i)));
  const base = `${req.baseUrl}/cohort/${cohort.id}`;
  const body = {
    resourceType: 'Bundle',
    type: 'collection',
    link: [{ relation: 'next', url: `${base}/Patient?_count=${ctx.defaultCount}&_offset=${ctx.defaultCount}` }].filter(() => count > ctx.defaultCount),
    entry: [
      { fullUrl: fullUrlOf(req.baseUrl, group), resource: group },
      { resource: twinReport(mapping, twin) },
      ...page.map((r) => ({ fullUrl: fullUrlOf(base, r), resource: r })),
    ],
  } as unknown as Resource;
  return { status: 200, headers: { 'content-type': FHIR_JSON, 'content-location': `Group/${cohort.id}` }, body, cohortId: cohort.id };
};
