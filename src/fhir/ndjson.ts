import type { BodyStream, FhirResponse, OperationOutcome, Resource } from './types';

/** Characters of NDJSON gathered before a chunk is handed to the socket (fewer, larger writes). */
export const NDJSON_CHUNK_CHARS = 64 * 1024;

/**
 * Resources as NDJSON (one JSON resource per line, each ending in a newline), in chunks of about
 * NDJSON_CHUNK_CHARS. Lazy: a resource is serialized when the consumer asks for the next chunk,
 * so memory holds one chunk, not the file. See: https://hl7.org/fhir/R4/nd-json.html
 */
export function* ndjsonChunks(resources: Iterable<Resource>, chunkChars = NDJSON_CHUNK_CHARS): Generator<string> {
  let buf = '';
  for (const r of resources) {
    buf += `${JSON.stringify(r)}\n`;
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  if (buf !== '') yield buf;
}

/**
 * A response whose body is streamed (`stream`); `body` only tells in-process callers, which cannot
 * stream, what they did not get.
 */
export function streamResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  stream: BodyStream,
  cohortId?: string,
): FhirResponse {
  const placeholder: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics: `The body of this response is streamed as ${stream.contentType}.` }],
  };
  return {
    status,
    headers,
    body: placeholder,
    stream,
    ...(cohortId !== undefined ? { cohortId } : {}),
  };
}
