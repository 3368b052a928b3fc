import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';

import type { App, AppOptions } from './app';
import { createApp, createHardenedServer } from './app';
import type { Config } from './config';
import { configFromProcess } from './config';

export interface RunningServer {
  readonly server: Server;
  readonly app: App;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Stops accepting, drains in-flight requests (up to config.shutdownTimeoutMs), then closes the app. */
  close(): Promise<void>;
}

/**
 * After a major GC, V8 lets the heap grow to live × (1 + this / 100) before the next one, instead
 * of its own factor (up to ×4 for a process that allocates fast, as one regenerating patients on
 * every read does). Measured (bench/memory.ts, 1,000,000 patients, random reads and scoped searches):
 * RSS 330–375 MB with V8's factor, about 185 MB with 30 — live data stays near 70 MB, so the
 * heap holds less garbage, not less data. A soft bound: unlike --max-old-space-size, a process
 * whose live data grows (larger configured caches) grows with it instead of dying (issue 11 §2).
 */
export const HEAP_GROWING_PERCENT = 30;

/** Builds the app and listens on config.host:config.port (port 0: a free port). */
export async function startServer(config: Config, options: AppOptions = {}): Promise<RunningServer> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const app = await createApp(config, { warmDefaultCohort: true, ...options });
  const { server: s, beginDrain } = createHardenedServer(app.app, config);
  const server = await new Promise<Server>((resolve, reject) => {
    s.once('error', reject);
    s.listen(config.port, config.host, () => resolve(s));
  }).catch(async (e: unknown) => {
    await app.close();
    throw e;
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Stop listening, but do not close "idle" connections at once as http.Server#close does:
      // on a busy event loop a connection whose next request is still unread in the socket buffer
      // looks idle, and closing it resets a request the client has sent. Every response from now
      // on says Connection: close; connections idle for keepAliveTimeout close as always; what
      // is left at shutdownTimeoutMs is closed.
      beginDrain();
      const drained = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      timer.unref();
      await drained;
      clearTimeout(timer);
      await app.close();
    })());
  return { server, app, url: `http://${host}:${port}`, close };
}

async function main(): Promise<void> {
  const config = configFromProcess();
  const running = await startServer(config);
  running.app.logger.info({ url: running.url }, 'listening');
  const stop = (signal: string): void => {
    running.app.logger.info({ signal }, 'draining');
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    // No logger may exist yet (bad configuration): stderr carries the reason, then exit 1.
    process.stderr.write(`synthfhir: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
