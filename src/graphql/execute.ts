import type { DocumentNode, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import { execute, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { z } from 'zod';

import { LruCache } from '../cohort';
import { InvalidInputError } from '../errors';

import type { GraphqlContext } from './context';
import { formatGraphqlError } from './format-error';
import type { GraphqlLimits } from './limits';
import { limitsRule, noIntrospectionRule } from './limits';

/** A GraphQL request over HTTP (POST JSON body, or GET query parameters). */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

/** The HTTP answer: 400 for a request that never executed (syntax, validation, limits), else 200. */
export interface GraphqlResponse {
  readonly status: number;
  readonly body: { readonly data?: unknown; readonly errors?: readonly GraphQLFormattedError[] };
}

/** Parsed and validated documents kept per query text (clients repeat the same few queries). */
const DOCUMENT_CACHE_SIZE = 500;
/** Longest query text accepted (a query is code, not data). */
export const MAX_QUERY_CHARS = 100_000;

const BODY = z.object({
  query: z.string().min(1, 'is empty').max(MAX_QUERY_CHARS, `is longer than ${MAX_QUERY_CHARS} characters`),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

/** Reads a request from a JSON body or query pairs; INVALID_INPUT naming the field at fault. */
export function parseGraphqlRequest(body: unknown, query: ReadonlyArray<readonly [string, string]>): GraphqlRequest {
  let raw: unknown = body;
  if (raw === undefined || raw === null || (typeof raw === 'object' && Object.keys(raw).length === 0)) {
    const get = (k: string): string | undefined => query.find(([n]) => n === k)?.[1];
    let variables: unknown;
    const v = get('variables');
    if (v !== undefined && v !== '') {
      try {
        variables = JSON.parse(v);
      } catch {
        throw new InvalidInputError('"variables" is not JSON.', ['variables']);
      }
    }
    raw = { query: get('query'), variables, operationName: get('operationName') };
  }
  const r = BODY.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || 'body';
    throw new InvalidInputError(`GraphQL request: "${field}" ${issue.message}.`, [field]);
  }
  return {
    query: r.data.query,
    ...(r.data.variables !== undefined && r.data.variables !== null ? { variables: r.data.variables } : {}),
    ...(r.data.operationName !== undefined && r.data.operationName !== null ? { operationName: r.data.operationName } : {}),
  };
}

/** The validation rules of a schema: GraphQL's own, the limits, and introspection when disabled. */
export function validationRules(limits: GraphqlLimits): ValidationRule[] {
  return [limitsRule(limits), ...(limits.introspection ? [] : [noIntrospectionRule])];
}

/**
 * Runs GraphQL requests against one schema: parse and validate once per query text (cached),
 * limits before any resolver, errors formatted by format-error.ts. Used by `$graphql`; never throws.
 */
export class GraphqlExecutor {
  private readonly documents = new LruCache<string, DocumentNode | readonly GraphQLError[]>(DOCUMENT_CACHE_SIZE);
  private readonly rules: readonly ValidationRule[];

  constructor(
    private readonly schema: GraphQLSchema,
    limits: GraphqlLimits,
  ) {
    this.rules = [...specifiedRules, ...validationRules(limits)];
  }

  private document(query: string): DocumentNode | readonly GraphQLError[] {
    const hit = this.documents.get(query);
    if (hit !== undefined) return hit;
    let out: DocumentNode | readonly GraphQLError[];
    try {
      const doc = parse(query, { maxTokens: 20_000 });
      const errors = validate(this.schema, doc, this.rules, { maxErrors: 20 });
      out = errors.length > 0 ? errors : doc;
    } catch (e) {
      out = [e instanceof GraphQLError ? e : new GraphQLError('The query could not be parsed.')];
    }
    this.documents.set(query, out);
    return out;
  }

  async run(request: GraphqlRequest, ctx: GraphqlContext): Promise<GraphqlResponse> {
    const format = (e: unknown): GraphQLFormattedError => formatGraphqlError(e, ctx.deps.logger, { requestId: ctx.requestId });
    try {
      const doc = this.document(request.query);
      if (!('kind' in doc)) return { status: 400, body: { errors: doc.map(format) } };
      const result = await execute({
        schema: this.schema,
        document: doc,
        contextValue: ctx,
        variableValues: request.variables ?? null,
        operationName: request.operationName ?? null,
      });
      return {
        status: result.data === undefined ? 400 : 200,
        body: { ...(result.errors !== undefined ? { errors: result.errors.map(format) } : {}), ...(result.data !== undefined ? { data: result.data } : {}) },
      };
    } catch (e) {
      return { status: 500, body: { errors: [format(e)] } };
    }
  }
}
