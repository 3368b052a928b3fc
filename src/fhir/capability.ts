import type { FhirContext, Handler, Interaction, Route } from './context';
import { EXTRA_TYPES, isServedType, SERVED_TYPES } from './context';
import { FHIR_JSON } from './outcome';
import type { CapabilityStatement, CapabilityStatementRestResource, CapabilityStatementRestResourceInteraction } from './types';

/** R4 version this facade speaks. */
export const FHIR_VERSION = '4.0.1';
/** Response formats served (XML requests get 406). */
export const FORMATS = ['application/fhir+json', 'json'] as const;

const TYPE_INTERACTIONS: readonly (Interaction & CapabilityStatementRestResourceInteraction['code'])[] = ['read', 'vread', 'history-instance', 'search-type'];

/** Every type the CapabilityStatement describes: the searchable ones, then those with explicit routes. */
export const CAPABILITY_TYPES: readonly string[] = [...SERVED_TYPES, ...EXTRA_TYPES];

/** The resource types a route serves. */
export function typesOf(route: Route): readonly string[] {
  if (route.pattern.includes(':type')) return route.types ?? SERVED_TYPES;
  return CAPABILITY_TYPES.filter((t) => route.pattern[0] === t);
}

/** Operations of some routes, once each (an operation may be routed for GET and POST). */
function uniqueOperations(routes: readonly Route[]): { name: string; definition: string }[] {
  const byName = new Map<string, { name: string; definition: string }>();
  for (const r of routes) if (r.operation !== undefined) byName.set(r.operation.name, { name: r.operation.name, definition: r.operation.definition });
  return [...byName.values()];
}

/**
 * The CapabilityStatement, generated from the route table and the search registry — never written
 * by hand, so it cannot advertise what is not served nor hide what is (a test checks both ways).
 * See: docs/CONVENTIONS.md "Capabilities are built from the routes"; https://hl7.org/fhir/R4/capabilitystatement.html
 */
export function capabilityStatement(ctx: FhirContext, routes: readonly Route[], baseUrl: string): CapabilityStatement {
  const resource = CAPABILITY_TYPES.map((type) => {
    const interaction = TYPE_INTERACTIONS.filter((i) =>
      routes.some((r) => r.interaction === i && typesOf(r).includes(type)),
    ).map((code) => ({ code }));
    const searchable = isServedType(type);
    const params = searchable ? ctx.search.searchParametersFor(type) : [];
    const searchInclude = searchable ? ctx.search.searchIncludesFor(type) : [];
    const searchRevInclude = searchable ? ctx.search.searchRevIncludesFor(type) : [];
    const operation = uniqueOperations(
      routes.filter((r) => r.operation !== undefined && r.operation.level !== 'system' && typesOf(r).includes(type)),
    );
    const resource: CapabilityStatementRestResource = {
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction,
      versioning: 'versioned',
      readHistory: interaction.some((i) => i.code === 'vread'),
      updateCreate: false,
      conditionalCreate: false,
      conditionalRead: 'not-supported',
      conditionalUpdate: false,
      conditionalDelete: 'not-supported',
      ...(searchInclude.length > 0 ? { searchInclude: [...searchInclude] } : {}),
      ...(searchRevInclude.length > 0 ? { searchRevInclude: [...searchRevInclude] } : {}),
      ...(searchable ? {} : { documentation: 'Cohorts: read a registered cohort, or register one with $cohort.' }),
      searchParam: params.map((p) => ({
        name: p.name,
        definition: p.definition,
        type: p.type,
        ...(p.documentation !== '' ? { documentation: p.documentation } : {}),
      })),
      ...(operation.length > 0 ? { operation } : {}),
    };
    return resource;
  });
  const systemOperations = uniqueOperations(routes.filter((r) => r.operation?.level === 'system'));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: ctx.asOf,
    publisher: 'synthfhir',
    kind: 'instance',
    software: { name: ctx.software.name, version: ctx.software.version },
    implementation: {
      description: 'synthfhir: a read-only FHIR R4 server of synthetic patients (every resource is tagged HTEST).',
      url: baseUrl,
    },
    fhirVersion: FHIR_VERSION,
    format: [...FORMATS],
    rest: [
      {
        mode: 'server',
        documentation: 'Read-only: every write is answered 405. Patients are generated on demand and never stored.',
        resource,
        ...(systemOperations.length > 0 ? { operation: systemOperations } : {}),
      },
    ],
  };
}

/** GET metadata */
export const capabilitiesHandler: Handler = ({ ctx, req, routes }) =>
  Promise.resolve({
    status: 200,
    headers: { 'content-type': FHIR_JSON },
    body: capabilityStatement(ctx, routes, req.baseUrl),
  });
