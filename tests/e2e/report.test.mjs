// The standalone report: the Share dialog writes one .html file that opens from disk (file://)
// in a fresh browser with no server at all, shows the trace list and the same figures, and
// makes no request of any kind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
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

const FIGURES = ['trace-count', 'span-count', 'error-count', 'llm-call-count', 'input-tokens', 'output-tokens', 'total-cost'];

test('the HTML report opens from file:// with the trace list and the same figures', async () => {
  const files = ['openinference/phoenix-rest-spans-agent-turn-error.json', 'mlflow/rag-session-turn1.json'];
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, files.map(fixture));
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  const shown = {};
  for (const id of FIGURES) shown[id] = await figure(page, id);
  await page.click('[data-testid="share-button"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-preview"]')?.textContent.includes('Removes'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="share-report"]')]);
  const out = ensureOutputDir();
  const report = path.join(out, 'loupe-report.html');
  await download.saveAs(report);
  assert.deepEqual(errors, []);
  await page.close();
  await server.close();

  // The session inside is the redacted bundle: no message text, no readable user id.
  const html = fs.readFileSync(report, 'utf8');
  const embedded = html.match(/id="loupe-report-bundle">([^<]*)</);
  assert.ok(embedded, 'the report embeds a bundle');
  const json = zlib.gunzipSync(Buffer.from(embedded[1], 'base64')).toString('utf8');
  assert.ok(json.includes('"loupe_bundle":1'));
  assert.ok(json.includes('pxi.turn'), 'the decoded bundle is the session');
  assert.ok(!json.includes('what happened in this trace'), 'messages were dropped');
  assert.ok(!json.includes('user@example.com'), 'ids were hashed');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+' 'wasm-unsafe-eval'; style-src 'sha256-[^']+';/);

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const reader = await context.newPage();
  const readerErrors = [];
  reader.on('console', (m) => { if (m.type() === 'error') readerErrors.push(m.text()); });
  reader.on('pageerror', (e) => readerErrors.push(String(e)));
  const url = pathToFileURL(report).href;
  await reader.goto(url);
  await reader.waitForSelector('[data-testid="trace-row"]');
  await settled(reader);
  assert.equal(await reader.locator('[data-testid="trace-row"]').count(), 2);
  assert.equal(await reader.getAttribute('[data-testid="load-time"]', 'data-parser'), 'page');
  for (const id of FIGURES) assert.equal(await figure(reader, id), shown[id], id);
  await reader.click('[data-testid="trace-row"] >> nth=0');
  await reader.waitForSelector('[data-testid="span-row"]');
  await reader.screenshot({ path: path.join(out, 'report.png') });
  assert.deepEqual(readerErrors, []);
  assert.deepEqual(requests, [url], 'nothing but the file itself');
  await context.close();
});
