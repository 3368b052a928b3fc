/**
 * What the process-level drills share (test/drills/*.test.ts and bench/drills.ts): a real server
 * process (`node dist/server.js`, after `npm run build`) on a free port of 127.0.0.1, its RSS, and
 * an HTTP GET whose outcome is classified — complete, refused, reset before any response, or
 * truncated mid-body (the one outcome a drill never accepts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** The package root (bench/ and dist-bench/bench/ both sit two levels or one level under it). */
/** The body of a GET, as text (no keep-alive agent). */
export function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

export function packageRoot(): string {
  const here = __dirname;
  return here.includes(`${'dist-bench'}`) ? join(here, '..', '..') : join(here, '..');
}

export interface ServerProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  /** Resolves when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident set size in bytes (Linux /proc), or NaN. */
  rss(): number;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/** A port free on 127.0.0.1 right now (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** True once GET url answers 200. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}

/**
 * Starts `node dist/server.js` on a free port with the given environment; resolves once /healthz
 * answers 200 (the log is buffered, so the port is chosen here rather than read from it).
 */
export async function startServerProcess(env: Readonly<Record<string, string>>, timeoutMs = 60_000, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...nodeArgs, join(packageRoot(), 'dist', 'server.js')], {
    cwd: packageRoot(),
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const kill = (): void => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  const deadline = performance.now() + timeoutMs;
  while (!(await answers(`${url}/healthz`))) {
    if (exit !== undefined) throw new Error(`server exited (${exit.code ?? exit.signal}) before listening: ${out.slice(-2000)}`);
    if (performance.now() > deadline) {
      kill();
      throw new Error(`server did not answer /healthz within ${timeoutMs} ms: ${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, proc, exited, output: () => out, rss: () => rssOf(proc.pid), kill };
}

export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? Number.NaN : Number(m[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

export type Outcome =
  | { kind: 'complete'; status: number; bytes: number }
  | { kind: 'refused' | 'reset' | 'truncated'; detail: string };

/**
 * GET url and classify the outcome. Complete: the status line, the whole body (Content-Length
 * honoured, JSON parses). Refused: ECONNREFUSED. Reset: the connection closed before any response
 * byte. Truncated: a response started and did not finish.
 */
export function classifiedGet(url: string, agent: http.Agent | false = false): Promise<Outcome> {
  return new Promise((resolve) => {
    let started = false;
    const req = http.get(url, { agent }, (res) => {
      started = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => resolve({ kind: 'truncated', detail: 'aborted' }));
      res.on('error', (e) => resolve({ kind: 'truncated', detail: e.message }));
      res.on('end', () => {
        if (!res.complete) {
          resolve({ kind: 'truncated', detail: 'incomplete' });
          return;
        }
        const body = Buffer.concat(chunks);
        const declared = res.headers['content-length'];
        if (declared !== undefined && Number(declared) !== body.length) {
          resolve({ kind: 'truncated', detail: `content-length ${declared}, got ${body.length}` });
          return;
        }
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          resolve({ kind: 'truncated', detail: 'body is not complete JSON' });
          return;
        }
        resolve({ kind: 'complete', status: res.statusCode ?? 0, bytes: body.length });
      });
    });
    req.on('error', (e: Error & { code?: string }) => {
      if (started) resolve({ kind: 'truncated', detail: e.message });
      else if (e.code === 'ECONNREFUSED') resolve({ kind: 'refused', detail: e.message });
      else resolve({ kind: 'reset', detail: `${e.code ?? ''} ${e.message}` });
    });
  });
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: http.IncomingHttpHeaders;
}

/**
 * One request on a fresh connection (no keep-alive pool: a socket the server is closing for
 * idleness would turn into a spurious reset on a loaded machine). Rejects on a connection error or
 * when no complete answer arrives within `timeoutMs`.
 */
export function send(
  method: string,
  url: string,
  options: { readonly headers?: Readonly<Record<string, string>>; readonly body?: string; readonly timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = Buffer.byteLength(options.body);
    }
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (!res.complete) reject(new Error(`${method} ${url}: response cut mid-body`));
        else resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
      });
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`${method} ${url}: no answer within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `check` every `everyMs` until it is true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
