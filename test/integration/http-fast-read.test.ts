/**
 * The read fast path (issue 11 §1) answers a cached `GET /fhir/<Type>/<id>` before anything else
 * touches the response, from a precomputed header block: it must still carry every header the
 * slower paths add — security headers (once each), the request id, validators — and yield to
 * CORS, a drain and a tight URL limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { App } from '../../src/app';
import { createHardenedServer } from '../../src/app';
import type { Config } from '../../src/config';
import { testConfig } from '../support/config';
import { createStubApp } from '../support/stub-app';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
}

async function listen(overrides: Partial<Config>): Promise<{ a: App; port: number; beginDrain: () => void; stop: () => Promise<void> }> {
  const a = await createStubApp({ defaultCohortSize: 10, bodyCacheBytes: 1_000_000, ...overrides });
  const { server, beginDrain } = createHardenedServer(a.app, testConfig(overrides));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    a,
    port: (server.address() as AddressInfo).port,
    beginDrain,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await a.close();
    },
  };
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** How many times a header name occurs in a response (raw, case-insensitive). */
function occurrences(r: Reply, name: string): number {
  return r.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === name).length;
}

const SECURITY = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };

describe('read fast path headers', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  let path: string;
  beforeAll(async () => {
    s = await listen({});
    path = `/fhir/Patient/${s.a.defaultCohort.id}-3`;
  });
  afterAll(async () => {
    await s.stop();
  });

  it('a cached 200 carries the security headers once each, its validators, length and a fresh request id', async () => {
    const first = await get(s.port, path);
    const cached = await get(s.port, path);
    expect(cached.status).toBe(200);
    expect(cached.text).toBe(first.text);
    for (const [k, v] of Object.entries(SECURITY)) {
      expect(cached.headers[k]).toBe(v);
      expect(occurrences(cached, k)).toBe(1);
      expect(occurrences(first, k)).toBe(1);
    }
    expect(cached.headers['content-length']).toBe(String(Buffer.byteLength(cached.text)));
    expect(cached.headers.etag).toBe(first.headers.etag);
    expect(cached.headers['last-modified']).toBe(first.headers['last-modified']);
    expect(cached.headers['x-request-id']).toMatch(/\S/);
    expect(cached.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect((await get(s.port, path, { 'x-request-id': 'client-id-1' })).headers['x-request-id']).toBe('client-id-1');
  });

  it('a cached 304 carries the security headers and the validators, no body', async () => {
    const ok = await get(s.port, path);
    const r = await get(s.port, path, { 'if-none-match': ok.headers.etag ?? '' });
    expect(r.status).toBe(304);
    expect(r.text).toBe('');
    for (const [k, v] of Object.entries(SECURITY)) expect(r.headers[k]).toBe(v);
    expect(r.headers.etag).toBe(ok.headers.etag);
  });

  it('after beginDrain a cached read says Connection: close', async () => {
    const other = await listen({});
    try {
      const p = `/fhir/Patient/${other.a.defaultCohort.id}-2`;
      await get(other.port, p);
      other.beginDrain();
      const r = await get(other.port, p);
      expect(r.status).toBe(200);
      expect(r.headers.connection).toBe('close');
      expect(r.headers['x-frame-options']).toBe('DENY');
    } finally {
      await other.stop();
    }
  });
});

describe('read fast path and the other front-door checks', () => {
  it('with CORS configured, a cached read still carries the CORS headers', async () => {
    const s = await listen({ corsOrigins: ['https://app.example'] });
    try {
      const p = `/fhir/Patient/${s.a.defaultCohort.id}-1`;
      await get(s.port, p, { origin: 'https://app.example' });
      const r = await get(s.port, p, { origin: 'https://app.example' });
      expect(r.status).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await s.stop();
    }
  });

  it('a URL limit below the longest cacheable read still answers 414 for a cached read over it', async () => {
    const s = await listen({ maxUrlBytes: 24 });
    try {
      const p = `/fhir/Patient/${s.a.defaultCohort.id}-1`;
      expect(Buffer.byteLength(p)).toBeGreaterThan(24);
      expect((await get(s.port, p)).status).toBe(414);
      expect((await get(s.port, p)).status).toBe(414);
    } finally {
      await s.stop();
    }
  });
});
