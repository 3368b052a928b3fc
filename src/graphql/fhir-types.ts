import type { GraphQLFieldConfig, GraphQLFieldConfigMap, GraphQLOutputType, GraphQLScalarType } from 'graphql';
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  GraphQLUnionType,
} from 'graphql';

import type { Resource } from '../fhir';
import { invariant } from '../util';

import { decodeCursor, pageCursors } from './connection';
import type { ConnectionValue } from './connection';
import type { GraphqlContext } from './context';
import { scopeOfResource } from './context';
import type { FhirTypeModel } from './fhir-model';
import { readResource } from './read-resource';
import type { SearchParameterInfo } from './search-args';
import { CURSOR_ARG, REFERENCE_ARG, referenceEnumOf, reverseArgsOf, searchArgsOf, toSearchParams } from './search-args';
import type { SearchArgs } from './search-args';

/**
 * The FHIR half of the schema, generated from the element model (fhir-model.ts) and the search
 * registry: an object type per resource, datatype and backbone element; `resourceType` on every
 * resource; `extension(url:)` filters; `Reference.resource(type:)`; reverse references
 * (`ObservationList(_reference: subject, ...)`) on every resource; and the root entry points
 * `Patient(id)`, `PatientList(...)`, `PatientConnection(...)`. Nothing is typed by hand per resource.
 * See: https://hl7.org/fhir/R4/graphql.html; docs/CONVENTIONS.md "GraphQL: a generated schema, limits as validation rules" (medplum graphql.ts).
 */

const INT_PRIMITIVES = new Set(['integer', 'positiveInt', 'unsignedInt']);

function scalarOf(primitive: string): GraphQLScalarType {
  if (primitive === 'boolean') return GraphQLBoolean;
  if (INT_PRIMITIVES.has(primitive)) return GraphQLInt;
  if (primitive === 'decimal') return GraphQLFloat;
  return GraphQLString;
}

type Obj = Readonly<Record<string, unknown>>;

/** What the query root and the own API take from the FHIR types. */
export interface FhirTypes {
  /** Object type of a resource, datatype or backbone element, by name. */
  readonly objects: ReadonlyMap<string, GraphQLObjectType>;
  /** Root query fields: Patient(id), PatientList(...), PatientConnection(...) per served type. */
  readonly queryFields: GraphQLFieldConfigMap<unknown, GraphqlContext>;
}

/** What the generator needs from the search registry. */
export interface SearchRegistry {
  searchParametersFor(type: string): readonly SearchParameterInfo[];
}

/** Builds every FHIR type. `searchable`: the types with search (Group is read only). */
export function buildFhirTypes(model: FhirTypeModel, registry: SearchRegistry, searchable: readonly string[]): FhirTypes {
  const primitives = new Set(model.primitives);
  const objects = new Map<string, GraphQLObjectType>();
  const resourceTypes = model.resourceTypes;
  const searchArgs = new Map<string, SearchArgs>(searchable.map((t) => [t, searchArgsOf(registry.searchParametersFor(t))]));
  const refEnums = new Map<string, GraphQLEnumType>();
  for (const t of searchable) {
    const e = referenceEnumOf(t, registry.searchParametersFor(t), resourceTypes);
    if (e !== undefined) refEnums.set(t, e);
  }

  const resourceTypeEnum = new GraphQLEnumType({
    name: 'ResourceType',
    values: Object.fromEntries(resourceTypes.map((t) => [t, { value: t }])),
  });
  const resourceUnion = new GraphQLUnionType({
    name: 'Resource',
    description: 'Any served resource (use `... on Patient { }`).',
    types: () => resourceTypes.map((t) => objectOf(t)),
    resolveType: (value: Obj) => (typeof value.resourceType === 'string' ? value.resourceType : undefined),
  });

  const objectOf = (name: string): GraphQLObjectType => {
    const o = objects.get(name);
    invariant(o !== undefined, `no GraphQL type for FHIR type ${name}`);
    return o;
  };

  const connections = new Map<string, GraphQLObjectType>();
  const connectionOf = (type: string): GraphQLObjectType => {
    let c = connections.get(type);
    if (c !== undefined) return c;
    const edge = new GraphQLObjectType<Resource, GraphqlContext>({
      name: `${type}ConnectionEdge`,
      fields: () => ({
        mode: { type: GraphQLString, resolve: () => 'match' },
        score: { type: GraphQLFloat, resolve: () => null },
        resource: { type: objectOf(type), resolve: (r) => r },
      }),
    });
    c = new GraphQLObjectType<ConnectionValue, GraphqlContext>({
      name: `${type}Connection`,
      fields: () => ({
        count: { type: GraphQLInt, description: 'Total matches.', resolve: (v) => v.page.total },
        offset: { type: GraphQLInt, resolve: (v) => v.page.offset },
        pageSize: { type: GraphQLInt, resolve: (v) => v.page.count },
        first: { type: GraphQLString, resolve: (v) => pageCursors(v).first },
        previous: { type: GraphQLString, resolve: (v) => pageCursors(v).previous },
        next: { type: GraphQLString, resolve: (v) => pageCursors(v).next },
        last: { type: GraphQLString, resolve: (v) => pageCursors(v).last },
        edges: { type: new GraphQLList(edge), resolve: (v) => v.page.resources },
      }),
    });
    connections.set(type, c);
    return c;
  };

  /** `ObservationList(_reference: subject, ...)` and `ObservationConnection(...)` inside a resource. */
  const reverseFields = (): GraphQLFieldConfigMap<Resource, GraphqlContext> => {
    const fields: GraphQLFieldConfigMap<Resource, GraphqlContext> = {};
    for (const [type, refEnum] of refEnums) {
      const search = searchArgs.get(type);
      invariant(search !== undefined, `no search args for ${type}`);
      const load = async (parent: Resource, args: Obj, ctx: GraphqlContext) =>
        scopeOfResource(ctx, parent).loaders.byReference.load({
          type,
          param: args[REFERENCE_ARG] as string,
          params: toSearchParams(search, args),
          target: `${parent.resourceType}/${parent.id ?? ''}`,
        });
      fields[`${type}List`] = {
        type: new GraphQLList(objectOf(type)),
        description: `${type} resources referring to this one through _reference.`,
        args: reverseArgsOf(search, refEnum),
        resolve: async (parent, args: Obj, ctx) => (await load(parent, args, ctx)).resources,
      };
      fields[`${type}Connection`] = {
        type: connectionOf(type),
        args: reverseArgsOf(search, refEnum),
        resolve: async (parent, args: Obj, ctx): Promise<ConnectionValue> => ({
          type,
          page: await load(parent, args, ctx),
          params: toSearchParams(search, args),
        }),
      };
    }
    return fields;
  };

  const fieldOf = (el: FhirTypeModel['types'][string]['elements'][number], isResource: boolean): GraphQLFieldConfig<Obj, GraphqlContext> => {
    const base: GraphQLOutputType =
      isResource && el.name === 'id' ? GraphQLID : primitives.has(el.type) ? scalarOf(el.type) : objectOf(el.type);
    const type = el.array ? new GraphQLList(base) : base;
    if (el.type === 'Extension' && el.array) {
      return {
        type,
        args: { url: { type: GraphQLString, description: 'Only the extensions with this url.' } },
        resolve: (parent, args: { url?: string | null }) => {
          const list = parent[el.name];
          if (!Array.isArray(list) || args.url === undefined || args.url === null) return list;
          return (list as readonly Obj[]).filter((x) => x.url === args.url);
        },
      };
    }
    return { type };
  };

  for (const [name, def] of Object.entries(model.types)) {
    const isResource = def.kind === 'resource';
    objects.set(
      name,
      new GraphQLObjectType<Obj, GraphqlContext>({
        name,
        description: isResource ? `FHIR R4 ${name}` : undefined,
        fields: () => {
          const fields: GraphQLFieldConfigMap<Obj, GraphqlContext> = {};
          if (isResource) fields.resourceType = { type: new GraphQLNonNull(GraphQLString), resolve: () => name };
          for (const el of def.elements) fields[el.name] = fieldOf(el, isResource);
          if (name === 'Reference') {
            fields.resource = {
              type: resourceUnion,
              description: 'The referenced resource (null, with an error, when it does not exist).',
              args: { type: { type: resourceTypeEnum, description: 'Only when the reference is to this type.' } },
              resolve: (ref, args: { type?: string | null }, ctx) => resolveReference(ref, args.type ?? undefined, ctx),
            };
          }
          if (isResource) Object.assign(fields, reverseFields());
          return fields;
        },
      }),
    );
  }

  const queryFields: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
  for (const type of resourceTypes) {
    queryFields[type] = {
      type: objectOf(type),
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: (_root, args: { id: string }, ctx) => readResource(ctx.scope, type, args.id),
    };
    const search = searchArgs.get(type);
    if (search === undefined) continue;
    queryFields[`${type}List`] = {
      type: new GraphQLList(objectOf(type)),
      args: search.args,
      resolve: async (_root, args: Obj, ctx) => (await ctx.scope.repo.search(type, toSearchParams(search, args), { strict: true })).resources,
    };
    queryFields[`${type}Connection`] = {
      type: connectionOf(type),
      args: { ...search.args, [CURSOR_ARG]: { type: GraphQLString, description: 'A cursor from a previous page (replaces the other arguments).' } },
      resolve: async (_root, args: Obj, ctx): Promise<ConnectionValue> => {
        const cursor = args[CURSOR_ARG];
        const params = typeof cursor === 'string' ? decodeCursor(type, cursor) : toSearchParams(search, args);
        return { type, page: await ctx.scope.repo.search(type, params, { strict: true }), params };
      },
    };
  }
  return { objects, queryFields };
}

/** `Reference.resource`: the target ("Type/id", relative or absolute) through the loader. */
async function resolveReference(ref: Obj, wanted: string | undefined, ctx: GraphqlContext): Promise<Resource | null> {
  const text = ref.reference;
  if (typeof text !== 'string') return null;
  const parts = text.split('/').filter((s) => s !== '');
  if (parts.length < 2) return null;
  const [type, id] = parts.slice(-2);
  if (wanted !== undefined && wanted !== type) return null;
  // A reference in a resource of cohort X resolves in X, whatever the request's scope.
  const holder = { resourceType: type, id };
  return readResource(scopeOfResource(ctx, holder), type, id);
}
