import type { ValueNode } from 'graphql';
import { GraphQLScalarType, Kind } from 'graphql';

import { InvalidInputError } from '../errors';

/** Any JSON value written as a GraphQL literal (objects, lists, strings, numbers, booleans, null). */
function fromLiteral(node: ValueNode, variables: Readonly<Record<string, unknown>> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => fromLiteral(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, fromLiteral(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/**
 * `JSON`: any JSON value. The scalar only checks it is JSON; what it means (a `where` against the
 * model's schema) is checked where it is used, with errors naming the variable at fault.
 */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (a `where` is an object in the where language: {"sex":"female","age_years":{"gte":40}}).',
  serialize: (v) => v,
  parseValue: (v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new InvalidInputError('JSON numbers must be finite.');
    return v;
  },
  parseLiteral: (node, variables) => fromLiteral(node, variables),
});
