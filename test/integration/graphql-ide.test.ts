import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { chromium } from 'playwright-core';
import type { Browser, Request as PwRequest } from 'playwright-core';

import type { App } from '../../src/app';
import { createStubApp } from '../support/stub-app';

/** Debian's headless Chromium (apt-get install chromium-headless-shell), or CHROMIUM_PATH. */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find(
  (p): p is string => p !== undefined && existsSync(p),
);

/**
 * The offline IDE in a real browser: it loads with no request leaving this server, shows the
 * schema docs from introspection, and runs a query typed into it.
 */
describe('GraphQL IDE page in headless Chromium', () => {
  let a: App;
  let server: Server;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error('No Chromium: apt-get install -y chromium-headless-shell (or set CHROMIUM_PATH).');
    a = await createStubApp();
    server = createServer(a.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await a?.close();
  });

  it.each([
    ['/fhir/$graphql', (pid: string) => `{ Patient(id: "${pid}") { id gender } }`, (pid: string) => ({ data: { Patient: { id: pid, gender: expect.any(String) } } })],
    ['/graphql', () => '{ model { hash } }', () => ({ data: { model: { hash: 'stubmodel0123456789abcdef' } } })],
  ])('%s: docs from introspection, and a query run from the page', async (path, query, expected) => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r: PwRequest) => {
      if (!r.url().startsWith(base)) foreign.push(r.url());
    });
    try {
      await page.goto(`${base}${path}`);
      await page.waitForSelector('#docs[data-loaded="true"]', { timeout: 20_000 });
      expect(await page.textContent('#docs')).toContain('Query');
      await page.click('#docs >> text=Query');
      expect(await page.textContent('#docs')).toMatch(path === '/graphql' ? /model\(hash: ID\): Model/ : /PatientList\(/);
      const pid = `${a.defaultCohort.id}-2`;
      await page.fill('#query', query(pid));
      await page.click('#run');
      await page.waitForSelector('#result[data-done="1"]', { timeout: 20_000 });
      expect(JSON.parse((await page.textContent('#result')) ?? '')).toEqual(expected(pid));
      expect(foreign).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
