// The built page served under a sub-path, as GitHub Pages serves a project site (`/loupe/`):
// it loads, parses a dropped file in its worker, and opens a trace, fetching only its own
// assets below that path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, dropFiles, figure, settled, fixture } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve('/loupe/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page works under /loupe/', async () => {
  const { page, errors, requests } = await openPage(browser, server.url);
  await dropFiles(page, [
    fixture('jaeger/jaeger-ui-genai-agent-trace.json'),
    fixture('zipkin/zipkin-lens-kafka-errors.json'),
  ]);
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  assert.equal(await figure(page, 'trace-count'), '2');
  assert.equal(await figure(page, 'span-count'), '85');
  await page.click('[data-testid="trace-row"]');
  await page.waitForSelector('[data-testid="span-row"]');
  await page.click('[data-testid="tab-flame"]');
  await page.waitForSelector('[data-testid="flame-canvas"]');
  const prefix = new URL(server.url);
  for (const r of requests) {
    const url = new URL(r.url);
    assert.equal(r.method, 'GET', r.url);
    assert.equal(url.origin, prefix.origin, r.url);
    assert.ok(url.pathname.startsWith('/loupe/'), `${r.url} is below /loupe/`);
  }
  assert.ok(requests.some((r) => r.url.includes('loupe-worker')), 'the worker loads from the sub-path');
  assert.deepEqual(errors, []);
  await page.close();
});
