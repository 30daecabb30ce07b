// The privacy promise, checked over a whole session: load the page, drop files, visit every view,
// pin notes, zoom, copy a link, export a redacted bundle and open it in a fresh page. Every
// request any page, worker or service worker makes is recorded: none may go anywhere but a GET
// of one of the page's own static files, and none may carry data in its URL. The reopened
// bundle must restore the session exactly: figures, tab, trace, span, drawing mode, zoom, flame
// weight and focus, and the notes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openPage, dropFiles, figure, settled, fixture, ensureOutputDir, dist } from './harness.mjs';

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
const FILES = ['openinference/phoenix-rest-spans-agent-turn-error.json', 'mlflow/rag-session-turn1.json'];

async function figures(page) {
  const out = {};
  for (const id of FIGURES) out[id] = await figure(page, id);
  return out;
}

const hash = (page) => page.evaluate(() => decodeURIComponent(location.hash));

test('a whole session makes no request but GETs of the page\'s own files, and a bundle restores it exactly', async () => {
  const requests = [];
  const origin = new URL(server.url).origin;
  const first = await openPage(browser, server.url);
  const { page } = first;
  await dropFiles(page, FILES.map(fixture));
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  const shown = await figures(page);

  // Every view.
  await page.click('[data-testid="tab-overview"]');
  await page.waitForSelector('[data-testid="overview-cost"]');
  await page.click('[data-testid="tab-latency"]');
  await page.waitForSelector('[data-testid="latency-row"]');
  await page.click('[data-testid="tab-cost"]');
  await page.waitForSelector('[data-testid="cost-total"]');
  await page.click('[data-testid="tab-flame"]');
  await page.waitForSelector('[data-testid="flame-canvas"]');
  await page.selectOption('[data-testid="flame-weight"]', 'self');
  const flame = await page.$('[data-testid="flame-canvas"]');
  await flame.scrollIntoViewIfNeeded();
  const box = await flame.boundingBox();
  await page.mouse.click(box.x + 40, box.y + 18 + 9); // the first root name, a row below the top
  await page.waitForFunction(() => document.querySelector('[data-testid="flame-breadcrumb"]').querySelectorAll('button').length >= 2);
  const breadcrumb = await page.textContent('[data-testid="flame-breadcrumb"]');

  // A trace: notes on the trace and on a span, the chat, the flame graph zoomed.
  await page.click('[data-testid="tab-traces"]');
  await page.click('[data-testid="trace-row"] >> nth=0');
  await page.waitForSelector('[data-testid="span-row"]');
  await page.fill('[data-testid="note-text"]', 'whole turn is slow');
  await page.click('[data-testid="note-add"]');
  await page.click('[data-testid="span-row"] >> nth=1');
  await page.waitForSelector('[data-testid="span-facts"]');
  const spanName = (await page.textContent('[data-testid="span-row"] >> nth=1 >> .span-name')).trim();
  await page.fill('[data-testid="note-text"]', 'this call returns stale docs');
  await page.click('[data-testid="note-add"]');
  await page.waitForSelector('[data-testid="note-mark"]');
  assert.equal(await page.locator('[data-testid="note"]').count(), 2);
  await page.click('[data-testid="view-flame"]');
  const canvas = await page.$('[data-testid="trace-flame-canvas"]');
  await canvas.scrollIntoViewIfNeeded();
  const cb = await canvas.boundingBox();
  await page.mouse.move(cb.x + cb.width / 3, cb.y + 9);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -100);
  await page.waitForFunction(() => location.hash.includes('zoom='));
  const view = await hash(page);
  for (const part of ['trace=', 'span=', 'mode=flame', 'zoom=', 'weight=self', 'focus=']) assert.ok(view.includes(part), `${part} in ${view}`);

  // Copy link: the page's address with the view only.
  await page.click('[data-testid="copy-link"]');
  const link = await page.inputValue('[data-testid="share-link"]');
  assert.equal(decodeURIComponent(new URL(link).hash), view);
  assert.equal(new URL(link).search, '', 'the link carries nothing a server would see');

  // Export a redacted bundle.
  await page.click('[data-testid="share-button"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-preview"]')?.textContent.includes('Removes'));
  assert.match(await page.textContent('[data-testid="share-preview"]'), /2 traces, 21 spans, 2 notes\./);
  const out = ensureOutputDir();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="share-export"]')]);
  const bundle = path.join(out, 'session.loupe.json.gz');
  await download.saveAs(bundle);
  await page.screenshot({ path: path.join(out, 'notes.png') });
  assert.deepEqual(first.errors, []);
  await first.page.close();
  requests.push(...first.requests);

  // A fresh browser opens the bundle as the same session.
  const second = await openPage(browser, server.url);
  await dropFiles(second.page, [bundle]);
  await second.page.waitForSelector('[data-testid="file-ok"]');
  await settled(second.page);
  await second.page.waitForSelector('[data-testid="trace-flame-canvas"]');
  assert.deepEqual(await figures(second.page), shown);
  assert.equal(await hash(second.page), view, 'tab, trace, span, mode, zoom, weight and focus');
  const notes = await second.page.locator('[data-testid="note"]').allTextContents();
  assert.equal(notes.length, 2, notes.join(' | '));
  assert.ok(notes.some((n) => n.includes('whole turn is slow')));
  assert.ok(notes.some((n) => n.includes('this call returns stale docs') && n.includes(spanName)), notes.join(' | '));
  assert.ok(!notes.some((n) => n.includes('not loaded')), 'the span note still finds its span');
  await second.page.click('[data-testid="tab-flame"]');
  // The breadcrumb is the engine's answer: it comes once asked.
  await second.page.waitForFunction(() => document.querySelector('[data-testid="flame-breadcrumb"]')?.textContent);
  assert.equal(await second.page.textContent('[data-testid="flame-breadcrumb"]'), breadcrumb);
  assert.deepEqual(second.errors, []);
  await second.page.close();
  requests.push(...second.requests);

  // The copied link, opened by a colleague who drops the same files, shows the same view.
  const third = await openPage(browser, link);
  await dropFiles(third.page, FILES.map(fixture));
  await third.page.waitForSelector('[data-testid="trace-flame-canvas"]');
  await settled(third.page);
  assert.equal(await hash(third.page), view);
  assert.deepEqual(third.errors, []);
  await third.page.close();
  requests.push(...third.requests);

  // Nothing but GETs of the page's own files, with no data in any URL.
  const own = new Set(fs.readdirSync(dist));
  assert.ok(requests.length > 0);
  for (const r of requests) {
    const url = new URL(r.url);
    assert.equal(r.method, 'GET', r.url);
    assert.equal(url.origin, origin, r.url);
    assert.equal(url.search, '', r.url);
    assert.equal(r.postData, null, r.url);
    const file = url.pathname.replace(/^\//, '');
    assert.ok(file === '' || own.has(file), `${r.url} is not one of the page's files`);
  }
});
