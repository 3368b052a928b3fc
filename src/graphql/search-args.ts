import type { GraphQLFieldConfigArgumentMap } from 'graphql';
import { GraphQLEnumType, GraphQLInt, GraphQLNonNull, GraphQLString } from 'graphql';

import { InvalidInputError } from '../errors';
import type { SearchParams, SearchPort } from '../fhir';


/** A search parameter as the registry describes it (fhir's SearchPort). */
export type SearchParameterInfo = ReturnType<SearchPort['searchParametersFor']>[number];

/**
 * GraphQL arguments of a search (`PatientList(gender: "female", birthdate: "lt1960", _count: 10)`):
 * the type's FHIR search parameters, hyphens as underscores (the R4 GraphQL page's rule), plus the
 * result parameters, plus `_params` for what a GraphQL name cannot spell (modifiers, chains, `_has`,
 * repeats): a query string appended as is. Every value goes to the REST search engine unchanged.
 * See: https://hl7.org/fhir/R4/graphql.html#searching
 */

/** The raw-query argument: `_params: "subject:Patient.gender=female&_has:Observation:subject:code=4548-4"`. */
export const RAW_PARAMS_ARG = '_params';
/** The connection's cursor argument (a previous page's `next`, `previous`, `first` or `last`). */
export const CURSOR_ARG = '_cursor';
/** The reverse-reference argument (`ObservationList(_reference: subject)` inside a resource). */
export const REFERENCE_ARG = '_reference';

/** Result parameters offered as named arguments (others go through `_params`). */
const RESULT_ARGS: GraphQLFieldConfigArgumentMap = {
  _count: { type: GraphQLInt, description: 'Page size (server default and maximum apply).' },
  _offset: { type: GraphQLInt, description: 'Index of the first match returned.' },
  _sort: { type: GraphQLString, description: 'Sort keys, comma-separated, `-` for descending (e.g. "-date").' },
  _total: { type: GraphQLString, description: 'none | estimate | accurate.' },
  _summary: { type: GraphQLString, description: 'true | data | text | false.' },
  _elements: { type: GraphQLString, description: 'Top-level elements to return, comma-separated.' },
};

/** A GraphQL argument name for a FHIR search parameter code (`general-practitioner` → `general_practitioner`). */
export function argNameOf(code: string): string {
  return code.replace(/-/g, '_');
}

/** How one type's search arguments map back to FHIR parameter codes. */
export interface SearchArgs {
  readonly args: GraphQLFieldConfigArgumentMap;
  /** GraphQL argument name → FHIR search parameter code. */
  readonly codes: ReadonlyMap<string, string>;
}

/** The search arguments of a type, from the search registry (the parameters REST serves). */
export function searchArgsOf(params: readonly SearchParameterInfo[]): SearchArgs {
  const args: GraphQLFieldConfigArgumentMap = {};
  const codes = new Map<string, string>();
  for (const p of params) {
    const name = argNameOf(p.name);
    codes.set(name, p.name);
    args[name] = { type: GraphQLString, description: `${p.type}: ${p.documentation}`.slice(0, 300) };
  }
  for (const [name, config] of Object.entries(RESULT_ARGS)) {
    codes.set(name, name);
    args[name] = config;
  }
  args[RAW_PARAMS_ARG] = {
    type: GraphQLString,
    description: 'More search parameters as a query string (modifiers, chains, _has, repeats), e.g. "name:exact=Smith&_has:Observation:subject:code=4548-4".',
  };
  return { args, codes };
}

/** The enum of a type's reference parameters pointing at served types, for `_reference`. */
export function referenceEnumOf(type: string, params: readonly SearchParameterInfo[], served: readonly string[]): GraphQLEnumType | undefined {
  const values: Record<string, { value: string; description: string }> = {};
  for (const p of params) {
    if (p.type !== 'reference' || !(p.target ?? []).some((t) => served.includes(t))) continue;
    values[argNameOf(p.name)] = { value: p.name, description: `${type}.${p.name} → ${(p.target ?? []).filter((t) => served.includes(t)).join(' | ')}` };
  }
  if (Object.keys(values).length === 0) return undefined;
  return new GraphQLEnumType({ name: `${type}ReferenceParameter`, values });
}

/** Reverse-reference arguments: `_reference` (required) plus the type's search arguments. */
export function reverseArgsOf(search: SearchArgs, refEnum: GraphQLEnumType): GraphQLFieldConfigArgumentMap {
  return { [REFERENCE_ARG]: { type: new GraphQLNonNull(refEnum) }, ...search.args };
}

/** Parses `_params` (a query string) into pairs; INVALID_SEARCH_PARAMETER when it is not one. */
function rawPairs(text: string): [string, string][] {
  try {
    return [...new URLSearchParams(text)];
  } catch {
    throw new InvalidInputError(`${RAW_PARAMS_ARG} is not a query string: "${text}".`, [RAW_PARAMS_ARG], 'INVALID_SEARCH_PARAMETER');
  }
}

/** GraphQL argument values → FHIR search pairs, in argument order, `_params` last. */
export function toSearchParams(search: SearchArgs, args: Readonly<Record<string, unknown>>): SearchParams {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null || name === REFERENCE_ARG || name === CURSOR_ARG) continue;
    if (name === RAW_PARAMS_ARG) continue;
    const code = search.codes.get(name);
    if (code === undefined) continue;
    out.push([code, typeof value === 'number' ? String(value) : (value as string)]);
  }
  const raw = args[RAW_PARAMS_ARG];
  if (typeof raw === 'string' && raw !== '') out.push(...rawPairs(raw));
  return out;
}
