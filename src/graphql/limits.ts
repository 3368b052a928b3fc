import type {
  ASTVisitor,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLOutputType,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { getNamedType, GraphQLError, isInterfaceType, isListType, isNonNullType, isObjectType, Kind, OperationTypeNode } from 'graphql';

import { ERROR_CATALOGUE } from '../errors';

/** The configured maxima (config.ts), checked before execution. */
export interface GraphqlLimits {
  readonly maxDepth: number;
  /** Fields selected in the whole operation, after fragments are expanded (aliases count). */
  readonly maxFields: number;
  readonly maxAliases: number;
  /** Estimated cost: each field weighs the product of the list sizes above it. */
  readonly maxCost: number;
  /** List size assumed for a search without a literal `_count` (config.defaultCount / maxCount). */
  readonly defaultCount: number;
  readonly maxCount: number;
  readonly introspection: boolean;
  /** Largest `n` of the own API's sample(). */
  readonly maxSample: number;
}

/** Arguments that bound how many items a list field returns. */
const SIZE_ARGS = ['_count', 'first', 'n'];

interface Tally {
  fields: number;
  aliases: number;
  cost: number;
  depth: number;
}

function unwrap(t: GraphQLOutputType): { list: boolean; named: GraphQLNamedType } {
  let cur: GraphQLOutputType = t;
  let list = false;
  while (isNonNullType(cur) || isListType(cur)) {
    if (isListType(cur)) list = true;
    cur = cur.ofType as GraphQLOutputType;
  }
  return { list, named: getNamedType(cur) };
}

/** The list size a field promises: its literal size argument, else maxCount for a variable, else defaultCount. */
function listSize(node: FieldNode, limits: GraphqlLimits, searchLike: boolean): number {
  const arg = node.arguments?.find((a) => SIZE_ARGS.includes(a.name.value));
  if (arg === undefined) return searchLike ? limits.defaultCount : 1;
  if (arg.value.kind === Kind.INT) return Math.max(1, Number(arg.value.value));
  return limits.maxCount;
}

function tooCostly(limit: string, max: number, actual: number, what: string): GraphQLError {
  return new GraphQLError(`Query too costly: ${what} is ${actual}, above the limit of ${max} (${limit}).`, {
    extensions: { code: 'TOO_COSTLY', status: ERROR_CATALOGUE.TOO_COSTLY.status, limit, max, actual },
  });
}

/**
 * One validation rule for depth, field/alias counts and estimated cost, so a query is refused
 * before any resolver runs. Introspection fields are not counted. Searches (fields taking `_count`,
 * connections) multiply their children by their page size; lists of data elements do not.
 * See: docs/CONVENTIONS.md "GraphQL: a generated schema, limits as validation rules".
 */
export function limitsRule(limits: GraphqlLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

    const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, depth: number, mult: number, t: Tally, seen: Set<string>): void => {
      for (const sel of set.selections) {
        if (t.fields > limits.maxFields) return; // refused anyway; bounds the walk (fragment bombs)
        if (sel.kind === Kind.FIELD) {
          const name = sel.name.value;
          if (name.startsWith('__')) continue;
          t.fields += 1;
          if (sel.alias !== undefined) t.aliases += 1;
          t.cost += mult;
          t.depth = Math.max(t.depth, depth);
          if (sel.selectionSet === undefined) continue;
          const def: GraphQLField<unknown, unknown> | undefined =
            parent !== undefined && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
          const shape = def === undefined ? undefined : unwrap(def.type);
          const searchLike = def !== undefined && (def.args.some((a) => SIZE_ARGS.includes(a.name)) || name.endsWith('Connection'));
          const m = searchLike ? mult * listSize(sel, limits, true) : mult;
          walk(sel.selectionSet, shape?.named, depth + 1, m, t, seen);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const typed = sel.typeCondition === undefined ? parent : context.getSchema().getType(sel.typeCondition.name.value) ?? undefined;
          walk(sel.selectionSet, typed, depth, mult, t, seen);
        } else {
          const f = fragments.get(sel.name.value);
          if (f === undefined || seen.has(f.name.value)) continue; // other rules report these
          seen.add(f.name.value);
          walk(f.selectionSet, context.getSchema().getType(f.typeCondition.name.value) ?? undefined, depth, mult, t, seen);
          seen.delete(f.name.value);
        }
      }
    };

    return {
      OperationDefinition(op) {
        const schema = context.getSchema();
        const root = op.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : op.operation === OperationTypeNode.SUBSCRIPTION ? schema.getSubscriptionType() : schema.getQueryType();
        const t: Tally = { fields: 0, aliases: 0, cost: 0, depth: 0 };
        walk(op.selectionSet, root ?? undefined, 1, 1, t, new Set());
        if (t.depth > limits.maxDepth) context.reportError(tooCostly('maxDepth', limits.maxDepth, t.depth, 'the query depth'));
        else if (t.aliases > limits.maxAliases) context.reportError(tooCostly('maxAliases', limits.maxAliases, t.aliases, 'the number of aliases'));
        else if (t.fields > limits.maxFields) context.reportError(tooCostly('maxFields', limits.maxFields, t.fields, 'the number of fields'));
        else if (t.cost > limits.maxCost) context.reportError(tooCostly('maxCost', limits.maxCost, t.cost, 'the estimated cost'));
      },
    };
  };
}

/** Refuses introspection when config disables it. */
export function noIntrospectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(
          new GraphQLError('Introspection is disabled on this server (SYNTHFHIR_GRAPHQL_INTROSPECTION=false).', {
            nodes: [node],
            extensions: { code: 'METHOD_NOT_ALLOWED' },
          }),
        );
      }
    },
  };
}
