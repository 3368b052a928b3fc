import { GraphQLObjectType, GraphQLSchema } from 'graphql';

import type { GraphqlContext } from './context';
import { fhirTypeModel } from './fhir-model';
import type { SearchRegistry } from './fhir-types';
import { buildFhirTypes } from './fhir-types';
import { buildOwnFields } from './own-schema';

/** The two schemas: FHIR GraphQL (`$graphql`) and the project's own API (`/graphql`). */
export interface GraphqlSchemas {
  readonly fhir: GraphQLSchema;
  readonly own: GraphQLSchema;
}

/**
 * Builds both schemas once, from the FHIR element model and the search registry. They share the
 * FHIR object types (the own API's cohort patients are part 1's Patient).
 */
export function buildSchemas(registry: SearchRegistry, searchable: readonly string[]): GraphqlSchemas {
  const fhir = buildFhirTypes(fhirTypeModel(), registry, searchable);
  const own = buildOwnFields(fhir);
  return {
    fhir: new GraphQLSchema({
      query: new GraphQLObjectType<unknown, GraphqlContext>({ name: 'Query', fields: fhir.queryFields }),
    }),
    own: new GraphQLSchema({
      query: new GraphQLObjectType<unknown, GraphqlContext>({ name: 'Query', fields: own.query }),
      mutation: new GraphQLObjectType<unknown, GraphqlContext>({ name: 'Mutation', fields: own.mutation }),
    }),
  };
}
