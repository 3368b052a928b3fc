import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { generatePatientRecord } from '../../src/generate';
import { NAMED_PROFILES, contextFor } from '../unit/generate/fixtures';
import { loadUsCore, validateAgainstClaims } from './support/us-core';

const ROOT = join(__dirname, '..', '..');

/** A balanced cohort's Patient (with the cohort-member extension) still validates against R4 and US Core. */
describe('the cohort-member extension', () => {
  beforeAll(() => {
    loadUsCore();
  });

  it('keeps a Patient valid against R4 and US Core Patient', () => {
    const record = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, { ...contextFor(0), cohortMember: { stratum: 'non_hispanic_white|male', weight: 3.52 } });
    const ext = record.patient.extension?.find((x) => x.url.endsWith('/cohort-member'));
    expect(ext?.extension).toEqual([
      { url: 'stratum', valueString: 'non_hispanic_white|male' },
      { url: 'weight', valueDecimal: 3.52 },
    ]);
    expect(validateAgainstClaims(record.patient)).toEqual([]);
  });

  it('is defined in profiles/ with the URL the generator writes, and only there', () => {
    const sd = JSON.parse(readFileSync(join(ROOT, 'profiles', 'StructureDefinition-cohort-member.json'), 'utf8')) as {
      url: string;
      differential: { element: { id: string; fixedUri?: string; type?: { code: string }[] }[] };
    };
    const record = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, { ...contextFor(0), cohortMember: { stratum: 's', weight: 1 } });
    expect(record.patient.extension?.some((x) => x.url === sd.url)).toBe(true);
    const el = (id: string): { fixedUri?: string; type?: { code: string }[] } | undefined => sd.differential.element.find((e) => e.id === id);
    expect(el('Extension.extension:stratum.value[x]')?.type?.[0].code).toBe('string');
    expect(el('Extension.extension:weight.value[x]')?.type?.[0].code).toBe('decimal');
    expect(el('Extension.url')?.fixedUri).toBe(sd.url);
    // Without a cohort member (unbalanced cohorts) the Patient has no such extension: its bytes are unchanged.
    const plain = generatePatientRecord(NAMED_PROFILES.DIABETIC_MAN, contextFor(0));
    expect(plain.patient.extension?.some((x) => x.url === sd.url)).toBe(false);
  });
});
