/**
 * Child process for bench/export.ts: one synthfhir replica (the shipped model; memory store, or
 * Redis when REDIS_URL is set), configured from its environment like the real server. Reports its
 * URL over IPC and answers `rss` / `cpu` queries (its own resident memory and CPU time).
 * Run by bench/export.ts; `node dist-bench/bench/export-server.js`.
 */
import { configFromProcess } from '../src/config';
import { startServer } from '../src/server';

process.on('message', (m) => {
  if (process.send === undefined) return;
  if (m === 'rss') process.send({ rssBytes: process.memoryUsage().rss });
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpuMicros: user + system });
  }
});

startServer(configFromProcess(), { warmDefaultCohort: false }).then(
  (running) => process.send?.({ url: running.url }),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
