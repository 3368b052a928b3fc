import { ProtocolError } from '../errors';

/** The media types this server writes. XML is not served (406). See: https://hl7.org/fhir/R4/http.html#mime-type */
export type ResponseType = 'application/fhir+json' | 'application/json';

const FORMAT_ALIASES: Readonly<Record<string, ResponseType>> = {
  json: 'application/fhir+json',
  'application/fhir+json': 'application/fhir+json',
  'application/json+fhir': 'application/fhir+json',
  'application/json': 'application/json',
};

/**
 * NDJSON types a Bulk Data client asks for when it downloads an export file (the file route
 * streams NDJSON whatever Accept says); any other response to such a request is FHIR JSON.
 */
const NDJSON_TYPES: ReadonlySet<string> = new Set(['application/fhir+ndjson', 'application/ndjson', 'application/x-ndjson']);

interface MediaRange {
  readonly type: string;
  readonly q: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const qParam = params.find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { type, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((m) => m.type !== '');
}

/**
 * Chooses the response media type from `_format` (which wins, as FHIR says) or `Accept`:
 * FHIR JSON unless plain `application/json` is what the client prefers; anything that rules JSON
 * out (XML, HTML only...) is 406 NOT_ACCEPTABLE naming what is served.
 */
export function negotiate(accept: string | undefined, format: string | undefined): ResponseType {
  if (format !== undefined) {
    const t = FORMAT_ALIASES[format.trim().toLowerCase()];
    if (t === undefined) {
      throw new ProtocolError(
        'NOT_ACCEPTABLE',
        `_format "${format}" is not served; this server speaks JSON only (_format=json or application/fhir+json).`,
      );
    }
    return t;
  }
  if (accept === undefined || accept.trim() === '') return 'application/fhir+json';
  let best: { t: ResponseType; q: number } | undefined;
  for (const m of parseAccept(accept)) {
    if (m.q <= 0) continue;
    const t: ResponseType | undefined =
      m.type === 'application/json'
        ? 'application/json'
        : m.type === 'application/fhir+json' ||
            m.type === 'application/json+fhir' ||
            m.type === '*/*' ||
            m.type === 'application/*' ||
            NDJSON_TYPES.has(m.type)
          ? 'application/fhir+json'
          : undefined;
    if (t === undefined) continue;
    // Ties go to FHIR JSON; a wildcard never beats an explicit JSON type of the same weight.
    if (best === undefined || m.q > best.q || (m.q === best.q && t === 'application/fhir+json' && !m.type.includes('*'))) {
      best = { t, q: m.q };
    }
  }
  if (best === undefined) {
    throw new ProtocolError(
      'NOT_ACCEPTABLE',
      `Accept "${accept}" cannot be served; this server speaks application/fhir+json (and application/json) only.`,
    );
  }
  return best.t;
}
