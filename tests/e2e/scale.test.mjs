// A 100,000-span file from `loupe gen` opens in the page, and its largest trace's waterfall
// scrolls to the last span. (How long it takes is measured by scripts/bench-load.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openPage, repo, settled } from './harness.mjs';

let server;
let browser;
let file;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-scale-'));
  file = path.join(dir, 'agents-100k.json');
  const loupe = [path.join(repo, 'target/release/loupe'), path.join(repo, 'target/debug/loupe')]
    .find((p) => fs.existsSync(p));
  assert.ok(loupe, 'the loupe CLI is built');
  execFileSync(loupe, ['gen', '--spans', '100000', '--traces', '20', '--out', file]);
  server = await serve('/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a 100,000-span file opens and its 5,000-span trace scrolls to the end', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="span-count"]').textContent === '100,000',
    null,
    { timeout: 120000 },
  );
  await settled(page);
  assert.equal(await page.textContent('[data-testid="trace-count"]'), '20');
  await page.waitForSelector('[data-testid="trace-row"]');
  const rows = await page.$$('[data-testid="trace-row"]');
  assert.ok(rows.length < 60, `the trace list is virtualized (${rows.length} rows in the DOM)`);
  await rows[0].click();
  await page.waitForSelector('[data-testid="span-row"]');
  const domRows = (await page.$$('[data-testid="span-row"]')).length;
  assert.ok(domRows < 100, `the waterfall is virtualized (${domRows} rows in the DOM)`);
  await page.$eval('[data-testid="waterfall"]', (el) => { el.scrollTop = el.scrollHeight; });
  // The rows in view arrive from the worker after the scroll: wait for the window at the end.
  await page.waitForFunction((last) => {
    const tops = [...document.querySelectorAll('.waterfall .vrow')].map((e) => parseFloat(e.style.top));
    return tops.length > 0 && Math.max(...tops) === last;
  }, 4999 * 26).catch(() => {});
  const lastTop = await page.$$eval('.waterfall .vrow', (els) => Math.max(...els.map((e) => parseFloat(e.style.top))));
  assert.equal(lastTop, 4999 * 26, 'the last of 5,000 rows is drawn');
  assert.deepEqual(errors, []);
  await page.close();
});
