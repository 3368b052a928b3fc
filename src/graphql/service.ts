import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';

import type { FhirRepository, FhirResponse, Handler, Resource } from '../fhir';

import type { GraphqlContext, GraphqlDeps } from './context';
import { createContext } from './context';
import { GraphqlExecutor, parseGraphqlRequest, validationRules } from './execute';
import type { GraphqlResponse } from './execute';
import { formatGraphqlError } from './format-error';
import { idePage } from './ide-page';
import type { GraphqlSchemas } from './schema';
import { buildSchemas } from './schema';
import type { SearchRegistry } from './fhir-types';

/** The FHIR GraphQL operation's canonical definition (R4). */
export const GRAPHQL_OPERATION_DEFINITION = 'http://hl7.org/fhir/OperationDefinition/Resource-graphql';

/** The sample query each IDE page opens with. */
const FHIR_SAMPLE = `{
  PatientList(_count: 3, _sort: "birthdate") {
    id gender birthDate name { given family }
    ObservationList(_reference: subject, code: "4548-4", _sort: "-date", _count: 1) {
      effectiveDateTime valueQuantity { value unit }
    }
  }
}`;
const OWN_SAMPLE = `{
  model { hash name variables { name kind unit categories } }
  support(where: {sex: "female", age_years: {gte: 40}}) { probability effectiveRecords }
}`;

/** GraphQL as the app wires it: both schemas, the `$graphql` handler, the Apollo server of `/graphql`. */
export interface GraphqlService {
  readonly schemas: GraphqlSchemas;
  readonly deps: GraphqlDeps;
  /** The router handler of `[base]/$graphql` (GET ?query= and POST). */
  readonly fhirHandler: Handler;
  /** Runs one FHIR GraphQL request against a scoped repository. */
  runFhir(repo: FhirRepository, body: unknown, query: ReadonlyArray<readonly [string, string]>, requestId?: string): Promise<GraphqlResponse>;
  /** The Apollo server of `/graphql` (started by createGraphqlService). */
  readonly apollo: ApolloServer<GraphqlContext>;
  /** The context of one `/graphql` request (default cohort's scope). */
  ownContext(requestId?: string): GraphqlContext;
  /** The offline IDE page of an endpoint. */
  idePage(which: 'fhir' | 'own'): string;
  /** Stops the Apollo server. */
  stop(): Promise<void>;
}

/** Builds the schemas, the executor and the Apollo server (started). See: README here. */
export async function createGraphqlService(deps: GraphqlDeps & { readonly defaultCohortId: string }, registry: SearchRegistry, searchable: readonly string[]): Promise<GraphqlService> {
  const schemas = buildSchemas(registry, searchable);
  const executor = new GraphqlExecutor(schemas.fhir, deps.limits);
  const runFhir = async (repo: FhirRepository, body: unknown, query: ReadonlyArray<readonly [string, string]>, requestId?: string): Promise<GraphqlResponse> => {
    const ctx = createContext(deps, repo, requestId);
    let request;
    try {
      request = parseGraphqlRequest(body, query);
    } catch (e) {
      return { status: 400, body: { errors: [formatGraphqlError(e, deps.logger, { requestId })] } };
    }
    return executor.run(request, ctx);
  };
  const fhirHandler: Handler = async (call) => {
    const repo = call.repo;
    const out = await runFhir(repo, call.req.body, call.req.query, call.req.requestId);
    const response: FhirResponse = {
      status: out.status,
      headers: { 'content-type': 'application/json' },
      // The router speaks resources; a GraphQL response is JSON of another shape, written as is.
      body: out.body as unknown as Resource,
      cohortId: repo.cohortId,
    };
    return response;
  };
  const apollo = new ApolloServer<GraphqlContext>({
    schema: schemas.own,
    validationRules: validationRules(deps.limits),
    introspection: deps.limits.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: (_formatted, error) => formatGraphqlError(error, deps.logger),
    plugins: [ApolloServerPluginLandingPageDisabled()],
    // server.ts owns SIGTERM (drain, then close()).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const pages = {
    fhir: idePage('/fhir/$graphql', 'synthfhir FHIR GraphQL', FHIR_SAMPLE),
    own: idePage('/graphql', 'synthfhir GraphQL', OWN_SAMPLE),
  };
  return {
    schemas,
    deps,
    fhirHandler,
    runFhir,
    apollo,
    ownContext: (requestId) => createContext(deps, deps.repositoryFor(deps.defaultCohortId), requestId),
    idePage: (which) => pages[which],
    stop: () => apollo.stop(),
  };
}
