import { dateRange, type Interval } from './ranges';
import { foldText } from './text';

/**
 * What a search parameter extracts from a resource ("index entries"), one shape per parameter
 * type, built from FHIR values of known FHIR type. FHIRPath (slow path) and the direct extractors
 * (fast path) both build entries only through `toEntries`, so they can only differ in which FHIR
 * values they find, and the contract test checks exactly that.
 * See: https://hl7.org/fhir/R4/search.html#token (table of token targets) and #string, #date.
 */

export interface TokenEntry {
  readonly system?: string;
  readonly code?: string;
  /** Coding.display, CodeableConcept.text or Identifier.type.text, for `:text`. */
  readonly text?: string;
  /** Identifier.type codings, for `:of-type`. */
  readonly ofType?: readonly { readonly system?: string; readonly code?: string }[];
}
export interface StringEntry {
  readonly raw: string;
  readonly folded: string;
}
export interface QuantityEntry extends Interval {
  readonly system?: string;
  readonly code?: string;
  readonly unit?: string;
}
export interface RefEntry {
  /** Reference.reference or the canonical/uri, as written. */
  readonly reference?: string;
  readonly type?: string;
  readonly id?: string;
  readonly identifier?: { readonly system?: string; readonly value?: string };
}

export interface EntryOf {
  token: TokenEntry;
  string: StringEntry;
  date: Interval;
  number: Interval;
  quantity: QuantityEntry;
  reference: RefEntry;
  uri: string;
}
export type SimpleParamType = keyof EntryOf;
export type AnyEntry = EntryOf[SimpleParamType];

/** Composite entries: one per root element, holding each component's entries. */
export type CompositeEntry = readonly (readonly AnyEntry[])[];

const REF_RE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Type and id of `Type/id`, `Type/id/_history/v` or an absolute URL ending in one of those. */
export function parseReference(reference: string): { type: string; id: string } | undefined {
  if (reference.startsWith('#') || reference.startsWith('urn:')) return undefined;
  const m = REF_RE.exec(reference);
  return m === null ? undefined : { type: m[1], id: m[2] };
}

const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Count', 'Distance', 'SimpleQuantity', 'MoneyQuantity']);
const STRINGISH = new Set(['string', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown', 'code', 'System.String']);

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** Drops undefined fields so entries compare equal however they were built. */
function compact<T extends object>(o: T): T {
  // A loop, not Object.entries/fromEntries: this runs for every entry of every indexed resource.
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

function codingEntry(c: Obj): TokenEntry {
  return compact({ system: str(c.system), code: str(c.code), text: str(c.display) });
}

function tokenEntries(fhirType: string, v: unknown, implicitSystem: string | undefined): TokenEntry[] {
  if (typeof v === 'boolean') return [{ code: String(v) }];
  if (typeof v === 'string') return [compact({ system: fhirType === 'code' ? implicitSystem : undefined, code: v })];
  if (!isObj(v)) return [];
  switch (fhirType) {
    case 'Coding':
      return [codingEntry(v)];
    case 'CodeableConcept': {
      const out = (Array.isArray(v.coding) ? v.coding.filter(isObj) : []).map(codingEntry);
      const text = str(v.text);
      return text === undefined ? out : [...out, { text }];
    }
    case 'Identifier': {
      const type = isObj(v.type) ? v.type : undefined;
      const ofType = type !== undefined && Array.isArray(type.coding) ? type.coding.filter(isObj) : [];
      return [
        compact({
          system: str(v.system),
          code: str(v.value),
          text: type === undefined ? undefined : str(type.text),
          ofType: ofType.length === 0 ? undefined : ofType.map((c) => compact({ system: str(c.system), code: str(c.code) })),
        }),
      ];
    }
    case 'ContactPoint': // R4: the system part is not used for ContactPoint; the value is the code
      return str(v.value) === undefined ? [] : [{ code: str(v.value) }];
    default:
      return [];
  }
}

function stringEntry(raw: string): StringEntry {
  return { raw, folded: foldText(raw) };
}

function stringEntries(fhirType: string, v: unknown): StringEntry[] {
  if (typeof v === 'string') return [stringEntry(v)];
  if (!isObj(v)) return [];
  let parts: string[] = [];
  if (fhirType === 'HumanName') {
    parts = [str(v.text), str(v.family), ...strs(v.given), ...strs(v.prefix), ...strs(v.suffix)].filter(
      (x): x is string => x !== undefined,
    );
  } else if (fhirType === 'Address') {
    parts = [
      str(v.text),
      ...strs(v.line),
      str(v.city),
      str(v.district),
      str(v.state),
      str(v.postalCode),
      str(v.country),
    ].filter((x): x is string => x !== undefined);
  }
  return parts.map(stringEntry);
}

function dateEntries(fhirType: string, v: unknown): Interval[] {
  if (typeof v === 'string') {
    const r = dateRange(v);
    return r === undefined ? [] : [r];
  }
  if (!isObj(v)) return [];
  if (fhirType === 'Period') {
    const start = str(v.start) === undefined ? undefined : dateRange(str(v.start) ?? '');
    const end = str(v.end) === undefined ? undefined : dateRange(str(v.end) ?? '');
    if (start === undefined && end === undefined) return [];
    return [{ lo: start?.lo ?? -Infinity, hi: end?.hi ?? Infinity }];
  }
  if (fhirType === 'Timing') return strs(v.event).flatMap((e) => dateEntries('dateTime', e));
  return [];
}

function quantityEntries(fhirType: string, v: unknown): QuantityEntry[] {
  if (typeof v === 'number') return [{ lo: v, hi: v }];
  if (!isObj(v)) return [];
  const units = (q: Obj): Omit<QuantityEntry, 'lo' | 'hi'> =>
    compact({ system: str(q.system), code: str(q.code), unit: str(q.unit) });
  if (QUANTITY_TYPES.has(fhirType) && typeof v.value === 'number') {
    return [{ lo: v.value, hi: v.value, ...units(v) }];
  }
  if (fhirType === 'Range') {
    const low = isObj(v.low) && typeof v.low.value === 'number' ? v.low : undefined;
    const high = isObj(v.high) && typeof v.high.value === 'number' ? v.high : undefined;
    if (low === undefined && high === undefined) return [];
    return [
      {
        lo: typeof low?.value === 'number' ? low.value : -Infinity,
        hi: typeof high?.value === 'number' ? high.value : Infinity,
        ...units(low ?? high ?? {}),
      },
    ];
  }
  return [];
}

function referenceEntries(fhirType: string, v: unknown): RefEntry[] {
  if (typeof v === 'string') return [compact({ reference: v, ...parseReference(v) })];
  if (!isObj(v) || fhirType !== 'Reference') return [];
  const reference = str(v.reference);
  const identifier = isObj(v.identifier)
    ? compact({ system: str(v.identifier.system), value: str(v.identifier.value) })
    : undefined;
  if (reference === undefined && identifier === undefined) return [];
  return [compact({ reference, ...(reference === undefined ? {} : parseReference(reference)), identifier })];
}

/**
 * The index entries of one FHIR value for a parameter type. `fhirType` is the value's FHIR type
 * name (`CodeableConcept`, `date`, `System.Boolean`...); `implicitSystem` is the code system a
 * `code` element's required binding implies (Patient.gender → administrative-gender).
 */
export function toEntries<T extends SimpleParamType>(
  paramType: T,
  fhirType: string,
  value: unknown,
  implicitSystem?: string,
): EntryOf[T][] {
  const out: AnyEntry[] = (() => {
    switch (paramType) {
      case 'token':
        return tokenEntries(fhirType, value, implicitSystem);
      case 'string':
        return stringEntries(fhirType, value);
      case 'date':
        return dateEntries(fhirType, value);
      case 'number':
        return typeof value === 'number' ? [{ lo: value, hi: value }] : [];
      case 'quantity':
        return quantityEntries(fhirType, value);
      case 'reference':
        return referenceEntries(fhirType, value);
      case 'uri':
        return typeof value === 'string' && STRINGISH.has(fhirType) ? [value] : [];
      default:
        return [];
    }
  })();
  return out as EntryOf[T][];
}
