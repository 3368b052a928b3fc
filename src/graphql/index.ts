/**
 * GraphQL for app developers: FHIR GraphQL (`[base]/$graphql`, registered on the FHIR router by
 * app.ts) and the project's own API (`/graphql`, Apollo, mounted by http/). See: README.md here.
 */
export { createGraphqlService, GRAPHQL_OPERATION_DEFINITION } from './service';
export type { GraphqlService } from './service';
export type { GraphqlContext, GraphqlDeps } from './context';
export type { GraphqlLimits } from './limits';
export type { ModelPort, ModelInfo, VariableInfo, SupportInfo } from './model-port';
export { createModelPort, modelInfoOf } from './model-port';
export type { GraphqlRequest, GraphqlResponse } from './execute';
export { parseGraphqlRequest, MAX_QUERY_CHARS } from './execute';
export { formatGraphqlError } from './format-error';
export { idePage, typeRefText, typeDocLines, IDE_INTROSPECTION_QUERY } from './ide-page';
