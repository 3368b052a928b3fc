import type { GraphQLFieldConfigMap } from 'graphql';
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
} from 'graphql';

import type { Cohort, CohortRequest } from '../cohort';
import { patientIdOf } from '../cohort';
import { InvalidInputError, InvalidWhereError } from '../errors';
import { groupAnnotationsOf, toGroup } from '../fhir';
import { invariant } from '../util';

import type { GraphqlContext } from './context';
import type { FhirTypes } from './fhir-types';
import { GraphQLJSON } from './json-scalar';
import type { ModelInfo, VariableInfo } from './model-port';
import { readResource } from './read-resource';

/**
 * The project's own API (`/graphql`): what FHIR has no words for — models, their variables, the
 * support of a subgroup, sampled profiles, cohorts and their patients (typed with part 1's FHIR
 * Patient). The same answers and refusals as the CLI and REST. See: issue 10 §2.
 */

/** Patients per page of `cohort(id) { patients(first:) }` when `first` is absent. */
export const DEFAULT_PATIENT_PAGE = 20;

type Obj = Readonly<Record<string, unknown>>;

/** A where argument: a JSON object; INVALID_WHERE (naming `where`) otherwise. */
function whereOf(value: unknown): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidWhereError('INVALID_WHERE', { detail: `"where" must be a JSON object, got ${JSON.stringify(value)}` }, ['where']);
  }
  return value as Readonly<Record<string, unknown>>;
}

function cursorOf(index: number): string {
  return Buffer.from(`patient:${index}`, 'utf8').toString('base64url');
}

function indexOfCursor(cursor: string): number {
  const m = /^patient:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (m === null) throw new InvalidInputError(`"after" is not a cursor this server issued: "${cursor.slice(0, 80)}".`, ['after']);
  return Number(m[1]) + 1;
}

interface PatientSlot {
  readonly cohort: Cohort;
  readonly index: number;
}

/** Query and Mutation fields of the own API. */
export function buildOwnFields(fhir: FhirTypes): {
  query: GraphQLFieldConfigMap<unknown, GraphqlContext>;
  mutation: GraphQLFieldConfigMap<unknown, GraphqlContext>;
} {
  const patientType = fhir.objects.get('Patient');
  const groupType = fhir.objects.get('Group');
  invariant(patientType !== undefined && groupType !== undefined, 'FHIR Patient and Group types are generated');

  const fhirCode = new GraphQLObjectType({
    name: 'VariableFhirCode',
    fields: {
      resource: { type: GraphQLString },
      system: { type: GraphQLString },
      code: { type: GraphQLString },
      display: { type: GraphQLString },
    },
  });
  const variable = new GraphQLObjectType<VariableInfo>({
    name: 'Variable',
    fields: {
      name: { type: new GraphQLNonNull(GraphQLString) },
      label: { type: GraphQLString },
      kind: { type: new GraphQLNonNull(GraphQLString), description: 'categorical | ordinal | continuous | count' },
      unit: { type: GraphQLString, description: 'UCUM unit of a numeric variable.' },
      categories: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) },
      derived: { type: GraphQLBoolean, description: 'Computed from sampled variables (BMI, eGFR...), never sampled.' },
      fhir: { type: fhirCode },
    },
  });
  const model = new GraphQLObjectType<ModelInfo>({
    name: 'Model',
    fields: {
      hash: { type: new GraphQLNonNull(GraphQLID) },
      name: { type: GraphQLString },
      version: { type: GraphQLString },
      description: { type: GraphQLString },
      variables: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(variable))) },
    },
  });
  const support = new GraphQLObjectType({
    name: 'Support',
    fields: {
      probability: { type: GraphQLFloat, description: 'Probability of the subgroup under the model.' },
      effectiveRecords: { type: GraphQLFloat, description: 'Weighted training records behind it.' },
    },
  });
  const stratum = new GraphQLObjectType({
    name: 'Stratum',
    fields: {
      key: { type: GraphQLString, description: 'Levels joined by | in `balance.by` order ("all" without balance).' },
      count: { type: GraphQLInt, description: 'Patients allocated to the stratum (exact, largest remainder).' },
      populationShare: { type: GraphQLFloat, description: 'P(stratum | where) under the model.' },
      weight: { type: GraphQLFloat, description: 'Importance weight: populationShare / (count / size).' },
      support: { type: GraphQLFloat, description: 'Effective training records behind where ∧ stratum.' },
      thin: { type: GraphQLBoolean, description: 'Support below the thin-stratum threshold: extrapolated patients.' },
    },
  });
  const cohortPatient = new GraphQLObjectType<PatientSlot, GraphqlContext>({
    name: 'CohortPatient',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID), resolve: (s) => patientIdOf(s.cohort.id, s.index) },
      index: { type: new GraphQLNonNull(GraphQLInt), resolve: (s) => s.index },
      stratum: { type: GraphQLString, resolve: (s, _args, ctx) => ctx.deps.cohorts.memberOf(s.cohort, s.index).stratum },
      weight: {
        type: GraphQLFloat,
        description: 'Importance weight back to the population (1 for an unbalanced cohort).',
        resolve: (s, _args, ctx) => ctx.deps.cohorts.memberOf(s.cohort, s.index).weight,
      },
      patient: {
        type: patientType,
        resolve: (s, _args, ctx) => readResource(ctx.scopeFor(s.cohort.id), 'Patient', patientIdOf(s.cohort.id, s.index)),
      },
    },
  });
  const edge = new GraphQLObjectType<PatientSlot>({
    name: 'CohortPatientEdge',
    fields: {
      cursor: { type: new GraphQLNonNull(GraphQLString), resolve: (s) => cursorOf(s.index) },
      node: { type: cohortPatient, resolve: (s) => s },
    },
  });
  const pageInfo = new GraphQLObjectType({
    name: 'PageInfo',
    fields: { hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) }, endCursor: { type: GraphQLString } },
  });
  const patientConnection = new GraphQLObjectType({
    name: 'CohortPatientConnection',
    fields: {
      totalCount: { type: GraphQLInt },
      edges: { type: new GraphQLList(edge) },
      pageInfo: { type: new GraphQLNonNull(pageInfo) },
    },
  });
  const cohort = new GraphQLObjectType<Cohort, GraphqlContext>({
    name: 'Cohort',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      name: { type: GraphQLString, resolve: (c) => c.spec.name },
      size: { type: new GraphQLNonNull(GraphQLInt), resolve: (c) => c.spec.size },
      seed: { type: GraphQLFloat, resolve: (c) => c.spec.seed },
      modelHash: { type: GraphQLID, resolve: (c) => c.spec.modelHash },
      asOf: { type: GraphQLString, resolve: (c) => c.spec.asOf },
      lookbackYears: { type: GraphQLInt, resolve: (c) => c.spec.lookbackYears },
      where: { type: GraphQLJSON, resolve: (c) => c.spec.where ?? null },
      group: {
        type: groupType,
        description: 'The cohort as a FHIR Group (as GET Group/[id]).',
        resolve: (c, _args, ctx) => toGroup(c, groupAnnotationsOf(ctx.deps.cohorts, c)),
      },
      balance: { type: GraphQLJSON, description: 'The balance spec (absent: the population as it is).', resolve: (c) => c.spec.balance ?? null },
      strata: { type: new GraphQLList(stratum), resolve: (c, _args, ctx) => ctx.deps.cohorts.strataOf(c) },
      warnings: { type: new GraphQLList(GraphQLString), resolve: (c, _args, ctx) => ctx.deps.cohorts.warningsOf(c) },
      patients: {
        type: patientConnection,
        args: { first: { type: GraphQLInt }, after: { type: GraphQLString } },
        resolve: (c, args: { first?: number | null; after?: string | null }, ctx) => {
          const first = args.first ?? DEFAULT_PATIENT_PAGE;
          if (!Number.isInteger(first) || first < 0 || first > ctx.deps.limits.maxCount) {
            throw new InvalidInputError(`"first" must be between 0 and ${ctx.deps.limits.maxCount}, got ${first}.`, ['first']);
          }
          const start = args.after === undefined || args.after === null ? 0 : indexOfCursor(args.after);
          const end = Math.min(c.spec.size, start + first);
          const edges: PatientSlot[] = [];
          for (let i = start; i < end; i++) edges.push({ cohort: c, index: i });
          return {
            totalCount: c.spec.size,
            edges,
            pageInfo: { hasNextPage: end < c.spec.size, endCursor: edges.length > 0 ? cursorOf(end - 1) : null },
          };
        },
      },
    },
  });
  const specInput = new GraphQLInputObjectType({
    name: 'CohortSpecInput',
    description: 'The spec Group/$cohort takes; the same spec gives the same cohort id.',
    fields: {
      size: { type: new GraphQLNonNull(GraphQLInt) },
      seed: { type: new GraphQLNonNull(GraphQLFloat), description: 'A whole number, 0 to 2^53-1.' },
      where: { type: GraphQLJSON },
      asOf: { type: GraphQLString },
      name: { type: GraphQLString },
      model: { type: GraphQLID, description: 'Model hash (default: the default model).' },
      balance: { type: GraphQLJSON, description: 'Strata and target: {"by": ["race_ethnicity", "sex"], "target": "uniform"} (as POST /cohorts).' },
    },
  });

  const query: GraphQLFieldConfigMap<unknown, GraphqlContext> = {
    model: {
      type: model,
      args: { hash: { type: GraphQLID } },
      resolve: (_r, args: { hash?: string | null }, ctx) => ctx.deps.models.model(args.hash ?? undefined),
    },
    models: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(model))), resolve: (_r, _a, ctx) => ctx.deps.models.models() },
    support: {
      type: support,
      args: { where: { type: new GraphQLNonNull(GraphQLJSON) }, model: { type: GraphQLID } },
      resolve: (_r, args: Obj, ctx) => ctx.deps.models.support((args.model as string | null) ?? undefined, whereOf(args.where) ?? {}),
    },
    sample: {
      type: new GraphQLList(GraphQLJSON),
      description: 'Sampled profiles (flat rows), as `synthfhir sample` prints them.',
      args: {
        where: { type: GraphQLJSON },
        n: { type: new GraphQLNonNull(GraphQLInt) },
        seed: { type: new GraphQLNonNull(GraphQLInt) },
        model: { type: GraphQLID },
      },
      resolve: (_r, args: Obj, ctx) => {
        const n = args.n as number;
        const max = ctx.deps.limits.maxSample;
        if (n < 1 || n > max) throw new InvalidInputError(`"n" must be between 1 and ${max}, got ${n}.`, ['n']);
        return ctx.deps.models.sample((args.model as string | null) ?? undefined, whereOf(args.where), n, args.seed as number);
      },
    },
    cohort: {
      type: cohort,
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: (_r, args: { id: string }, ctx) => ctx.deps.cohorts.resolve(args.id),
    },
    cohorts: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(cohort))),
      resolve: async (_r, _a, ctx) => Promise.all((await ctx.deps.listCohortIds()).map((id) => ctx.deps.cohorts.resolve(id))),
    },
  };
  const mutation: GraphQLFieldConfigMap<unknown, GraphqlContext> = {
    createCohort: {
      type: cohort,
      description: 'Registers a cohort (idempotent: the id Group/$cohort gives for the same spec).',
      args: { spec: { type: new GraphQLNonNull(specInput) } },
      resolve: (_r, args: { spec: Obj }, ctx) => {
        const s = args.spec;
        const where = whereOf(s.where);
        const request: CohortRequest = {
          size: s.size as number,
          seed: s.seed as number,
          ...(where !== undefined ? { where: where as CohortRequest['where'] } : {}),
          ...(typeof s.asOf === 'string' ? { asOf: s.asOf } : {}),
          ...(typeof s.name === 'string' ? { name: s.name } : {}),
          ...(typeof s.model === 'string' ? { modelHash: s.model } : {}),
          ...(s.balance !== undefined && s.balance !== null ? { balance: s.balance } : {}),
        };
        return ctx.deps.cohorts.register(request);
      },
    },
  };
  return { query, mutation };
}
