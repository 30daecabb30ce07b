// Sharing in the page: the Share dialog previews what redaction removes, exports a bundle with
// nothing of the seeded user id or messages in it, and dropping the bundle into a fresh page
// restores the same figures and view — all without a request beyond the page's own assets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, openPage, dropFiles, figure, settled, fixture, ensureOutputDir } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve('/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const FIGURES = ['trace-count', 'span-count', 'error-count', 'llm-call-count', 'input-tokens', 'output-tokens'];

test('the Share dialog exports a redacted bundle that reopens as the same session', async () => {
  const files = [fixture('openinference/phoenix-rest-spans-agent-turn-error.json'), fixture('mlflow/rag-session-turn1.json')];
  const { page, errors, requests } = await openPage(browser, server.url);
  await dropFiles(page, files);
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  const before = {};
  for (const id of FIGURES) before[id] = await figure(page, id);
  await page.click('[data-testid="tab-latency"]');
  await page.click('[data-testid="share-button"]');
  const preview = await page.waitForSelector('[data-testid="share-preview"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-preview"]').textContent.includes('Removes'));
  const text = await preview.textContent();
  assert.match(text, /2 traces, 21 spans/);
  assert.match(text, /message texts/);
  assert.match(text, /ids hashed/);
  const out = ensureOutputDir();
  await page.screenshot({ path: path.join(out, 'share-dialog.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="share-export"]')]);
  const file = path.join(out, 'shared.loupe.json.gz');
  await download.saveAs(file);
  const json = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  assert.ok(json.includes('"loupe_bundle":1'));
  assert.ok(!json.includes('user@example.com'), 'the user id is hashed');
  assert.ok(!json.includes('what happened in this trace'), 'messages are dropped');
  assert.deepEqual(errors, []);
  for (const r of requests) {
    assert.equal(r.method, 'GET', r.url);
    assert.equal(new URL(r.url).origin, new URL(server.url).origin, r.url);
  }
  await page.close();

  // A fresh page opens the bundle as the same session.
  const second = await openPage(browser, server.url);
  await dropFiles(second.page, [file]);
  await second.page.waitForSelector('[data-testid="file-ok"]');
  await settled(second.page);
  for (const id of FIGURES) assert.equal(await figure(second.page, id), before[id], id);
  await second.page.waitForSelector('[data-testid="tab-latency"].active');
  assert.deepEqual(second.errors, []);
  await second.page.close();
});
