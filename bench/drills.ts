/**
 * `npm run drills`: the long reliability drills, printing a table for the README.
 *  1. Soak: a real server process (`node dist/server.js`), 100 connections for DRILLS_SOAK_SECONDS
 *     (default 120; 600 for the 10-minute soak) on a mix — reads, searches, $everything, cohort
 *     registration (Group/$cohort), capability. Errors, 5xx, p50/p99, RSS at start, after warm-up
 *     and at the end.
 *  2. The Jest drills (test/drills) with DRILLS_SCALE (default 10) times more fuzzing runs
 *     (DRILLS_SKIP_JEST=1: the soak only).
 * Exits non-zero when a promise is broken (any error or 5xx; RSS growth above 10 % after warm-up
 * is reported, and fails the run with DRILLS_STRICT_RSS=1).
 */
import { spawnSync } from 'node:child_process';

import autocannon from 'autocannon';

import { getText, packageRoot, startServerProcess } from './drill-support';

const SOAK_S = Number(process.env.DRILLS_SOAK_SECONDS ?? '120');
const CONNECTIONS = Number(process.env.DRILLS_CONNECTIONS ?? '100');
const WARMUP_S = Math.min(30, Math.max(5, Math.round(SOAK_S / 6)));

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function soak(): Promise<{ row: string; ok: boolean }> {
  const server = await startServerProcess({ SYNTHFHIR_DEFAULT_COHORT_SIZE: '1000' });
  try {
    const page = JSON.parse(await getText(`${server.url}/fhir/Patient?_count=20`)) as { entry: { resource: { id: string } }[] };
    const ids = page.entry.map((e) => e.resource.id);
    const paths = [
      ...ids.slice(0, 8).map((id) => `/fhir/Patient/${id}`),
      ...ids.slice(8, 12).map((id) => `/fhir/Patient/${id}/$everything`),
      ...ids.slice(12, 16).map((id) => `/fhir/Observation?subject=Patient/${id}&_sort=-date`),
      '/fhir/Patient?gender=female&birthdate=ge1970&_count=50',
      '/fhir/Condition?code=http://snomed.info/sct|44054006&_count=20',
      '/fhir/Observation?code=http://loinc.org|4548-4&value-quantity=gt7&_count=20',
      '/fhir/Encounter?_count=20&_include=Encounter:subject',
      ...Array.from({ length: 10 }, (_, i) => `/fhir/Group/$cohort?size=200&seed=${i + 1}&where=${encodeURIComponent('{"sex":"female"}')}`),
      '/fhir/metadata',
    ];
    const rssStart = server.rss();
    const run = (seconds: number): Promise<autocannon.Result> =>
      autocannon({ url: server.url, connections: CONNECTIONS, duration: seconds, requests: paths.map((path) => ({ method: 'GET' as const, path })) });
    const warm = await run(WARMUP_S);
    const rssWarm = server.rss();
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(server.rss()), 5000);
    const main = await run(SOAK_S);
    clearInterval(sampler);
    const rssEnd = server.rss();
    const requests = warm.requests.total + main.requests.total;
    const fivexx = warm['5xx'] + main['5xx'];
    // autocannon counts a timeout as an error too.
    const errors = warm.errors + main.errors;
    const non2xx = warm.non2xx + main.non2xx;
    const growth = (rssEnd - rssWarm) / rssWarm;
    console.log(
      `soak ${SOAK_S} s (+${WARMUP_S} s warm-up) at ${CONNECTIONS} connections: ${requests} requests, ${Math.round(main.requests.average)} req/s, ` +
        `errors ${errors} (of which timeouts ${warm.timeouts + main.timeouts}; max latency ${Math.max(warm.latency.max, main.latency.max)} ms), non-2xx ${non2xx}, 5xx ${fivexx}, p50 ${main.latency.p50} ms, p99 ${main.latency.p99} ms, ` +
        `RSS start ${mb(rssStart)}, after warm-up ${mb(rssWarm)}, end ${mb(rssEnd)} (${(growth * 100).toFixed(1)} %), max ${mb(Math.max(...samples, rssEnd))}`,
    );
    const strictRss = process.env.DRILLS_STRICT_RSS === '1';
    const ok = errors === 0 && fivexx === 0 && non2xx === 0 && (!strictRss || growth <= 0.1);
    return {
      ok,
      row: `| soak ${SOAK_S / 60} min, ${CONNECTIONS} connections, mix | 0 errors, p99 reported, RSS flat (±10 % after warm-up) | ${requests} | ${fivexx} | ${errors} | ${mb(rssStart)} / ${mb(rssWarm)} / ${mb(rssEnd)} | ${main.latency.p50} / ${main.latency.p99} ms |`,
    };
  } finally {
    server.kill();
    await server.exited;
  }
}

async function main(): Promise<number> {
  const build = spawnSync('npm', ['run', 'build'], { cwd: packageRoot(), stdio: 'inherit' });
  if (build.status !== 0) console.log('drills: the build reported errors; running what it emitted');
  const soakResult = await soak();
  console.log('\n| drill | promise | requests | 5xx | errors/lost | RSS start / warm / end | p50 / p99 |');
  console.log('| --- | --- | ---: | ---: | ---: | --- | --- |');
  console.log(soakResult.row);
  if (process.env.DRILLS_SKIP_JEST === '1') return soakResult.ok ? 0 : 1;
  const jest = spawnSync('npx', ['jest', 'test/drills', '--runInBand'], {
    cwd: packageRoot(),
    stdio: 'inherit',
    env: { ...process.env, DRILLS_SCALE: process.env.DRILLS_SCALE ?? '10' },
  });
  return soakResult.ok && jest.status === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
