// Offline after the first visit: the service worker caches the page's versioned files, so once
// the page has been opened it opens again, parses dropped files and shows them with its server
// gone (stopped, not merely emulated offline), parsing in its Web Worker as online.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, dropFiles, figure, settled, fixture } from './harness.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const FIGURES = ['trace-count', 'span-count', 'error-count', 'llm-call-count', 'input-tokens', 'output-tokens'];

test('the page opens and loads files with its server stopped, after one visit', async () => {
  const server = await serve('/loupe/');
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const parser = () => page.getAttribute('[data-testid="load-time"]', 'data-parser');
  await page.goto(server.url);
  await page.waitForSelector('[data-testid="trace-count"]');
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const file = fixture('openinference/phoenix-rest-spans-agent-turn-error.json');
  await dropFiles(page, [file]);
  await page.waitForSelector('[data-testid="file-ok"]');
  await settled(page);
  const online = {};
  for (const id of FIGURES) online[id] = await figure(page, id);
  assert.equal(await parser(), 'worker');

  await server.close();
  await assert.rejects(fetch(server.url), 'the server is gone');
  await page.reload();
  await page.waitForSelector('[data-testid="trace-count"]');
  await dropFiles(page, [file]);
  await page.waitForSelector('[data-testid="file-ok"]');
  await settled(page);
  for (const id of FIGURES) assert.equal(await figure(page, id), online[id], id);
  assert.equal(await parser(), 'worker', 'the parsing worker\'s files came from the cache');
  await page.click('[data-testid="tab-cost"]');
  await page.waitForSelector('[data-testid="cost-total"]');
  assert.deepEqual(errors, []);
  await context.close();
});
