import { ProtocolError, SynthfhirError } from '../errors';

/** Errors raised by express and body-parser, mapped to catalogue errors (never their raw text). */
export function expressError(err: unknown, maxBodyBytes: number): unknown {
  if (err instanceof SynthfhirError) return err;
  const e = err as { type?: unknown; status?: unknown; name?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return new ProtocolError('PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${maxBodyBytes} bytes.`);
    case 'entity.parse.failed':
      return new SynthfhirError('INVALID_INPUT', { detail: 'The request body is not valid JSON.' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProtocolError('UNSUPPORTED_MEDIA_TYPE', 'The request body has an unsupported encoding or charset.');
    case 'request.aborted':
    case 'request.size.invalid':
      return new SynthfhirError('INVALID_INPUT', { detail: 'The request body was incomplete.' });
    default:
  }
  if (e.name === 'URIError') return new SynthfhirError('INVALID_INPUT', { detail: 'Malformed percent-encoding in the URL.' });
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new SynthfhirError('INVALID_INPUT', { detail: `Bad request (HTTP ${e.status}).` });
  }
  return err;
}
