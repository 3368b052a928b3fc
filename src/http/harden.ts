import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { ProtocolError } from '../errors';
import type { SynthfhirError } from '../errors';
import { errorToOutcome } from '../fhir';

/** Timeouts of the node:http server (config: SYNTHFHIR_*_TIMEOUT_MS). */
export interface ServerTimeouts {
  /** Time to receive a request's headers (slow-loris defence). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  readonly requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  readonly keepAliveTimeoutMs: number;
}

/** Headers every response carries (an API: no sniffing, no framing, no referrer leaks). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The catalogue error for a request node:http refused before it reached the app: headers too
 * large (431), too slow (408), or not HTTP at all (400).
 */
function clientErrorOf(err: Error & { code?: string }): SynthfhirError {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new ProtocolError('HEADERS_TOO_LARGE', 'The request line and headers exceed the limit of 16384 bytes.');
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new ProtocolError('REQUEST_TIMEOUT', 'The request was not received in time (headers or body too slow).');
  }
  return new ProtocolError('INVALID_INPUT', 'Malformed HTTP request.');
}

/** Answers a request node:http refused with an OperationOutcome (never Node's bare status line), then closes. */
function onClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, outcome } = errorToOutcome(clientErrorOf(err));
  const body = JSON.stringify(outcome);
  const headers = [
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}`,
    'content-type: application/fhir+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    ...Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}`),
    'connection: close',
  ];
  // A HEAD response has no body (the client would read it as garbage after the headers).
  const head = Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(`${headers.join('\r\n')}\r\n\r\n${head ? '' : body}`);
}

/** A hardened server, and the switch that starts a graceful drain. */
export interface HardenedServer {
  readonly server: Server;
  /**
   * From now on every response says `Connection: close` — those not yet started included — so
   * keep-alive clients stop sending on their connections instead of racing a close (a reset).
   */
  beginDrain: () => void;
}

/**
 * An http.Server over a handler with bounded timeouts (headers, whole request, keep-alive) and
 * OperationOutcome answers to requests Node refuses itself. The timeout check runs every second
 * (Node's default is every 30 s, which would let a slow-loris client hold a socket that long).
 */
export function createHardenedServer(handler: (req: IncomingMessage, res: ServerResponse) => void, timeouts: ServerTimeouts): HardenedServer {
  /** Responses not yet closed, so that a drain can mark them Connection: close. */
  const active = new Set<ServerResponse>();
  let draining = false;
  const forget = function (this: ServerResponse): void {
    active.delete(this);
  };
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, timeouts.headersTimeoutMs),
    },
    (req, res) => {
      if (draining) res.setHeader('connection', 'close');
      handler(req, res);
      // Only a response whose headers are still to go needs marking at a drain: one answered
      // synchronously (a cached read) costs no Set entry and no listener (issue 11 §1).
      if (!draining && !res.headersSent) {
        active.add(res);
        res.once('close', forget);
      }
    },
  );
  // Belt and braces: the option names above are recent; the properties exist on every Node 20.
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  server.on('clientError', onClientError);
  return {
    server,
    beginDrain: () => {
      draining = true;
      for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
      active.clear();
    },
  };
}
