import {
  searchableTypes,
  searchIncludesFor,
  searchParametersFor,
  searchRevIncludesFor,
} from '../../../../src/fhir/search';
import { extractViaFhirpath } from '../../../../src/fhir/search/extract';
import { isImplemented, paramOf, paramsOf } from '../../../../src/fhir/search/registry';
import { generatedResources, handResources, mimicResources } from './helpers';

const resources = [...generatedResources(5), ...mimicResources(), ...handResources()];

describe('the R4 search parameter registry', () => {
  test('serves the five types', () => {
    expect(searchableTypes()).toEqual(['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest']);
  });

  test('keeps the per-type part of shared expressions', () => {
    expect(paramOf('Observation', 'code')?.expression).toBe('Observation.code');
    expect(paramOf('Condition', 'code')?.expression).toBe('Condition.code');
    expect(paramOf('Encounter', 'date')?.expression).toBe('Encounter.period');
    expect(paramOf('Patient', '_id')?.expression).toBe('Resource.id');
    expect(paramOf('Patient', 'code')).toBeUndefined();
  });

  test('every implemented parameter evaluates on every resource of its type (real and generated)', () => {
    const failures: string[] = [];
    let nonEmpty = 0;
    for (const type of searchableTypes()) {
      const mine = resources.filter((r) => r.resourceType === type);
      for (const def of [...paramsOf(type).values()].filter(isImplemented)) {
        for (const r of mine) {
          try {
            if (extractViaFhirpath(def, r).length > 0) nonEmpty++;
          } catch (e) {
            failures.push(`${type}.${def.code} on ${r.id}: ${(e as Error).message}`);
          }
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(nonEmpty).toBeGreaterThan(1000);
  });

  test('searchParametersFor advertises implemented parameters only', () => {
    const names = searchParametersFor('Patient').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['_id', '_lastUpdated', '_tag', '_profile', 'birthdate', 'gender', 'name', 'phonetic']));
    expect(names).not.toContain('_text');
    expect(names).not.toContain('_content');
    expect(names).not.toContain('_query');
    expect(searchParametersFor('Observation').find((p) => p.name === 'subject')).toMatchObject({
      type: 'reference',
      definition: 'http://hl7.org/fhir/SearchParameter/Observation-subject',
      target: expect.arrayContaining(['Patient', 'Group']),
      modifiers: expect.arrayContaining(['missing', 'identifier']),
    });
    expect(searchParametersFor('Medication')).toEqual([]);
  });

  test('includes and revincludes for the CapabilityStatement', () => {
    expect(searchIncludesFor('Observation')).toEqual(expect.arrayContaining(['*', 'Observation:subject', 'Observation:patient', 'Observation:encounter']));
    expect(searchRevIncludesFor('Patient')).toEqual(expect.arrayContaining(['Observation:subject', 'Condition:patient', 'Encounter:subject']));
    expect(searchRevIncludesFor('Patient')).not.toContain('Observation:encounter');
  });
});
