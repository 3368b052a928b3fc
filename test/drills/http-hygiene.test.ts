/**
 * Limits and HTTP hygiene: each limit is a clear 4xx naming it; slow clients are cut off; security
 * headers on every response; CORS off unless configured; nothing echoes input into HTML.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

import type { App } from '../../src/app';
import { createHardenedServer } from '../../src/app';
import type { Config } from '../../src/config';
import { loadConfig } from '../../src/config';
import { testConfig } from '../support/config';
import { brokenPromise } from '../support/drills';
import { createStubApp } from '../support/stub-app';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

async function listen(overrides: Partial<Config>): Promise<{ a: App; server: http.Server; port: number; stop: () => Promise<void> }> {
  const a = await createStubApp({ defaultCohortSize: 10, ...overrides });
  const server = createHardenedServer(a.app, testConfig(overrides)).server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    a,
    server,
    port,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await a.close();
    },
  };
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function diagnostics(r: Reply): string {
  return (JSON.parse(r.text) as { issue: { diagnostics: string }[] }).issue[0]?.diagnostics ?? '';
}

describe('limits: each a clear 4xx naming the limit', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    s = await listen({ maxUrlBytes: 1024, maxBodyBytes: 2048, maxCount: 50 });
  });
  afterAll(() => s.stop());

  it('URL longer than SYNTHFHIR_MAX_URL_BYTES: 414 naming the limit', async () => {
    const r = await send(s.port, 'GET', `/fhir/Patient?name=${'a'.repeat(1100)}`);
    expect(r.status).toBe(414);
    expect(brokenPromise({ status: r.status, text: r.text, contentType: r.headers['content-type'] })).toBeUndefined();
    expect(diagnostics(r)).toMatch(/limit is 1024 bytes \(SYNTHFHIR_MAX_URL_BYTES\)/);
    expect(r.headers['cache-control']).toBe('no-store');
    // Just under the limit is served.
    expect((await send(s.port, 'GET', `/fhir/Patient?name=${'a'.repeat(900)}`)).status).toBe(200);
  });

  it('request line + headers beyond Node\'s 16 KiB: 431 as an OperationOutcome (not a bare status line)', async () => {
    const r = await send(s.port, 'GET', '/fhir/metadata', { 'x-padding': 'p'.repeat(20_000) });
    expect(r.status).toBe(431);
    expect(r.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(diagnostics(r)).toMatch(/exceed the limit of 16384 bytes/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('body larger than SYNTHFHIR_MAX_BODY_BYTES: 413 naming the limit', async () => {
    const body = JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'name', valueString: 'x'.repeat(3000) }] });
    const r = await send(s.port, 'POST', '/fhir/Group/$cohort', { 'content-type': 'application/fhir+json' }, body);
    expect(r.status).toBe(413);
    expect(diagnostics(r)).toMatch(/limit of 2048 bytes/);
  });

  it('_count above SYNTHFHIR_MAX_COUNT is clamped, with a warning', async () => {
    const r = await send(s.port, 'GET', '/fhir/Observation?_count=100000');
    expect(r.status).toBe(200);
    const bundle = JSON.parse(r.text) as { entry?: { search?: { mode?: string }; resource: { resourceType: string; issue?: { diagnostics?: string }[] } }[] };
    const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource;
    expect(outcome?.issue?.[0]?.diagnostics).toMatch(/50/);
  });

  it('cohort size beyond the maximum: 400 naming the bound', async () => {
    const r = await send(s.port, 'GET', '/fhir/Group/$cohort?size=10000001&seed=1');
    expect(r.status).toBe(400);
    expect(diagnostics(r)).toMatch(/10[,_ ]?000[,_ ]?000|10000000/);
  });

  it('a malformed request is a 400 OperationOutcome', async () => {
    const text = await rawExchange(s.port, 'GARBAGE\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/"resourceType":"OperationOutcome"/);
  });
});

/** Writes raw bytes, returns everything the server sends until it closes. */
function rawExchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('slow clients', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    s = await listen({ headersTimeoutMs: 500, requestTimeoutMs: 1000, keepAliveTimeoutMs: 300 });
  });
  afterAll(() => s.stop());

  it('slow-loris: a client trickling headers is answered 408 and cut off, while others are served', async () => {
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let received = '';
    let closed = false;
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write('GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n');
    // One header line every 200 ms: never finishes on its own (bounded at 40 lines here).
    let othersServed = 0;
    for (let i = 0; i < 40 && !closed; i++) {
      // A normal client is not blocked meanwhile.
      if (i === 2) othersServed = (await send(s.port, 'GET', '/fhir/metadata')).status;
      await new Promise((r) => setTimeout(r, 200));
      if (!closed) socket.write(`X-Slow-${i}: ${i}\r\n`);
    }
    expect(othersServed).toBe(200);
    expect(closed).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toMatch(/not received in time/);
  });

  it('an idle keep-alive connection is closed by the server', async () => {
    const socket = net.connect(s.port, '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('data', () => undefined);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(true);
  });
});

describe('headers, CORS, HTML', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    s = await listen({});
  });
  afterAll(() => s.stop());

  it('security headers on every response; no X-Powered-By', async () => {
    for (const path of ['/fhir/metadata', '/fhir/Patient', '/fhir/Nope', '/healthz', '/nothing', '/models/x/report']) {
      const r = await send(s.port, 'GET', path);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-powered-by']).toBeUndefined();
      expect(r.status < 400 || r.headers['cache-control'] === 'no-store').toBe(true);
    }
  });

  it('CORS is off by default: no CORS headers, a preflight is not granted', async () => {
    const r = await send(s.port, 'GET', '/fhir/metadata', { origin: 'https://evil.example' });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const p = await send(s.port, 'OPTIONS', '/fhir/Patient', { origin: 'https://evil.example', 'access-control-request-method': 'GET' });
    expect(p.headers['access-control-allow-origin']).toBeUndefined();
    expect(p.status).toBeGreaterThanOrEqual(400);
  });

  it('CORS when configured: the allowed origin only, preflight answered, no credentials', async () => {
    const c = await listen({ corsOrigins: ['https://app.example.org'] });
    try {
      const ok = await send(c.port, 'GET', '/fhir/metadata', { origin: 'https://app.example.org' });
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.org');
      expect(ok.headers.vary).toMatch(/Origin/);
      expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
      const other = await send(c.port, 'GET', '/fhir/metadata', { origin: 'https://evil.example' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const p = await send(c.port, 'OPTIONS', '/fhir/Patient', { origin: 'https://app.example.org', 'access-control-request-method': 'POST' });
      expect(p.status).toBe(204);
      expect(p.headers['access-control-allow-methods']).toBe('GET, HEAD, POST');
    } finally {
      await c.stop();
    }
  });

  it('SYNTHFHIR_CORS_ORIGINS is parsed and validated; unset means off', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ SYNTHFHIR_CORS_ORIGINS: 'https://a.org, http://b.org:8080' }).corsOrigins).toEqual(['https://a.org', 'http://b.org:8080']);
    expect(loadConfig({ SYNTHFHIR_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => loadConfig({ SYNTHFHIR_CORS_ORIGINS: 'javascript:alert(1)' })).toThrow(/SYNTHFHIR_CORS_ORIGINS/);
    expect(() => loadConfig({ SYNTHFHIR_HEADERS_TIMEOUT_MS: '5000', SYNTHFHIR_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/HEADERS_TIMEOUT/);
  });

  it('the report page never echoes its input into HTML: an unknown hash is JSON, escaped', async () => {
    const hash = encodeURIComponent('<script>alert(1)</script>');
    const r = await send(s.port, 'GET', `/models/${hash}/report`, { accept: 'text/html' });
    expect(r.status).toBe(404);
    // The hash is quoted in JSON served as JSON with nosniff: a browser never renders it as HTML.
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.text).not.toMatch(/<html/i);
  });
});
