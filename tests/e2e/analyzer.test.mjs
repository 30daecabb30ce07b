// The analyzer in real Chromium: flame graphs draw and open spans, the filter narrows the list
// and the charts, a price override changes the cost, the overview agrees with the CLI, and the
// view survives a reload through the URL fragment. Screenshots of each view are saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  serve, launch, openPage, dropFiles, figure, settled, fixture, repo, ensureOutputDir,
} from './harness.mjs';

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

const FILES = [
  'openinference/agent-prism-otlp-array-openai-tools.json',
  'openinference/phoenix-rest-spans-agent-turn-error.json',
  'jaeger/jaeger-ui-genai-agent-trace.json',
  'langfuse/langfuse-ui-export-pydantic-ai-tools-2025-12-04.json',
  'mlflow/rag-session-turn1.json',
  'otlp-jsonl/otel-tui-collector-fileexporter-demo-mixed-signals.jsonl.gz',
].map(fixture);

const num = (s) => Number(s.replace(/[^0-9.]/g, ''));

/** Pixels of a canvas that are drawn (not blank or white). */
async function inkedPixels(page, testid) {
  return page.$eval(`[data-testid="${testid}"]`, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && !(data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245)) inked += 1;
    }
    return inked;
  });
}

async function loaded(files) {
  const session = await openPage(browser, server.url);
  await dropFiles(session.page, files);
  await session.page.waitForFunction((n) => document.querySelectorAll('[data-testid="file-ok"]').length === n, files.length);
  await settled(session.page);
  return session;
}

test('the flame graphs draw, and a click on a rectangle opens its span', async () => {
  const { page, errors } = await loaded(FILES);
  await page.click('[data-testid="tab-flame"]');
  await page.waitForSelector('[data-testid="flame-canvas"]');
  assert.ok(await inkedPixels(page, 'flame-canvas') > 1000, 'the aggregated flame graph is drawn');
  const out = ensureOutputDir();
  await page.screenshot({ path: path.join(out, 'flame-graph.png') });

  // One trace's flame graph: pxi.turn (0–35 s) on row 0, its children one after another below.
  await page.fill('[data-testid="filter"]', 'name~pxi.turn');
  await page.press('[data-testid="filter"]', 'Enter');
  await page.click('[data-testid="tab-traces"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="trace-row"]').length === 1);
  await page.click('[data-testid="trace-row"]');
  await page.click('[data-testid="view-flame"]');
  const canvas = await page.waitForSelector('[data-testid="trace-flame-canvas"]');
  assert.ok(await inkedPixels(page, 'trace-flame-canvas') > 1000, 'the trace flame graph is drawn');
  const box = await canvas.boundingBox();
  // The span s02 (claude-fable-5) runs from 1 s to 2 s of 35 s, on the second row.
  await page.mouse.click(box.x + box.width * (1.5 / 35), box.y + 18 + 9);
  await page.waitForFunction(() => document.querySelector('[data-testid="span-detail"] h2')?.textContent === 'claude-fable-5');
  const facts = await page.textContent('[data-testid="span-facts"]');
  assert.match(facts, /Span id\s*s02/);
  await page.screenshot({ path: path.join(out, 'trace-flame-graph.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a filter narrows the trace list and the charts, and a bad one says why', async () => {
  const { page, errors } = await loaded(FILES);
  const all = num(await page.textContent('[data-testid="filter-count"]'));
  await page.click('[data-testid="tab-cost"]');
  await page.waitForSelector('[data-testid="cost-row"]');
  const groupsBefore = (await page.$$('[data-testid="cost-row"]')).length;
  await page.fill('[data-testid="filter"]', 'model:o1*');
  await page.press('[data-testid="filter"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-count"]').textContent.startsWith('1 of'));
  // The engine answers the breakdown after the count: wait until it has narrowed, or time out.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="cost-row"]').length === 1, null, { timeout: 5000 })
    .catch(() => {});
  const groupsAfter = await page.$$eval('[data-testid="cost-row"]', (rows) => rows.map((r) => r.querySelector('td').textContent));
  assert.ok(groupsBefore > 1);
  assert.deepEqual(groupsAfter, ['o1-2024-12-17'], 'the breakdown follows the filter');
  await page.click('[data-testid="tab-traces"]');
  await page.waitForSelector('[data-testid="trace-row"]');
  assert.equal((await page.$$('[data-testid="trace-row"]')).length, 1, 'the trace list follows the filter');
  assert.ok(all > 1);
  await page.fill('[data-testid="filter"]', 'duration>soon');
  const error = await page.waitForSelector('[data-testid="filter-error"]');
  assert.match(await error.textContent(), /not a duration.*at character 9/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a price override changes the total cost', async () => {
  const { page, errors } = await loaded([fixture('jaeger/jaeger-ui-genai-agent-trace.json')]);
  // model-a and model-b have no price: no cost at all.
  assert.equal(await figure(page, 'total-cost'), '—');
  await page.click('[data-testid="tab-cost"]');
  await page.fill('[data-testid="price-model"]', 'model-a');
  await page.fill('[data-testid="price-input"]', '2');
  await page.fill('[data-testid="price-output"]', '10');
  await page.fill('[data-testid="price-cache-read"]', '1');
  await page.click('[data-testid="price-add"]');
  // model-a: 4 calls of 1,840 input (920 cached) and 260 output tokens.
  const expected = 4 * ((1840 - 920) * 2 + 920 * 1 + 260 * 10) / 1e6;
  await page.waitForFunction(() => document.querySelector('[data-testid="total-cost"]').textContent !== '—');
  const usd = Number(await page.getAttribute('[data-testid="total-cost"]', 'data-usd'));
  assert.ok(Math.abs(usd - expected) < 1e-12, `${usd} vs ${expected}`);
  const out = ensureOutputDir();
  await page.screenshot({ path: path.join(out, 'cost-breakdown.png'), fullPage: true });
  // The override is kept in this browser: after a reload it still prices the calls.
  await page.reload();
  await page.waitForSelector('[data-testid="trace-count"]');
  await dropFiles(page, [fixture('jaeger/jaeger-ui-genai-agent-trace.json')]);
  await page.waitForFunction(() => document.querySelector('[data-testid="total-cost"]').dataset.usd);
  const again = Number(await page.getAttribute('[data-testid="total-cost"]', 'data-usd'));
  assert.ok(Math.abs(again - expected) < 1e-12);
  await page.evaluate(() => localStorage.clear());
  assert.deepEqual(errors, []);
  await page.close();
});

test('the overview agrees with loupe summary --json, and the histograms draw', async () => {
  const loupe = [path.join(repo, 'target/release/loupe'), path.join(repo, 'target/debug/loupe')]
    .find((p) => fs.existsSync(p));
  const cli = JSON.parse(execFileSync(loupe, ['summary', '--json', ...FILES], { encoding: 'utf8' })).totals;
  const { page, errors } = await loaded(FILES);
  await page.click('[data-testid="tab-overview"]');
  await page.waitForSelector('[data-testid="overview-traces"]');
  for (const [testid, key] of [
    ['overview-traces', 'traces'], ['overview-spans', 'spans'], ['overview-errors', 'errors'],
    ['overview-llm-calls', 'llm_calls'], ['overview-input-tokens', 'input_tokens'],
    ['overview-output-tokens', 'output_tokens'],
  ]) {
    assert.equal(num(await figure(page, testid)), cli[key], key);
  }
  const usd = Number(await page.getAttribute('[data-testid="overview-cost"]', 'data-usd'));
  assert.ok(Math.abs(usd - cli.cost_usd) < 1e-9, `${usd} vs ${cli.cost_usd}`);
  assert.ok(await inkedPixels(page, 'timeline') > 100, 'the timeline is drawn');
  const out = ensureOutputDir();
  await page.screenshot({ path: path.join(out, 'overview.png') });

  await page.click('[data-testid="tab-latency"]');
  await page.waitForSelector('[data-testid="latency-row"]');
  assert.ok(await inkedPixels(page, 'latency-histogram') > 1000, 'the histogram is drawn');
  const hist = await page.$('[data-testid="latency-histogram"]');
  await hist.scrollIntoViewIfNeeded();
  const hb = await hist.boundingBox();
  // Click across the plot until a bin with spans is hit: it lists them.
  let listed = 0;
  for (let f = 0.1; f < 0.99 && listed === 0; f += 0.02) {
    await page.mouse.click(hb.x + hb.width * f, hb.y + hb.height * 0.85);
    listed = await page.$$eval('[data-testid="latency-bin-spans"] tr', (rows) => rows.length);
  }
  assert.ok(listed >= 1, 'a bin lists its spans');
  await page.screenshot({ path: path.join(out, 'latency.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the view survives a reload through the URL fragment', async () => {
  const files = [fixture('openinference/phoenix-rest-spans-agent-turn-error.json'), fixture('mlflow/rag-session-turn1.json')];
  const { page, errors } = await loaded(files);
  await page.fill('[data-testid="filter"]', 'kind:tool');
  await page.press('[data-testid="filter"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-count"]').textContent.startsWith('1 of'));
  // The engine's rows follow the filter.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="trace-row"]').length === 1);
  await page.click('[data-testid="trace-row"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="span-row"]').length > 2);
  const rows = await page.$$('[data-testid="span-row"]');
  await rows[2].click();
  const name = await page.textContent('[data-testid="span-detail"] h2');
  await page.waitForFunction(() => location.hash.includes('span='));
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /q=kind%3Atool/);
  await page.reload();
  await page.waitForSelector('[data-testid="trace-count"]');
  await dropFiles(page, files);
  await page.waitForFunction((n) => document.querySelector('[data-testid="span-detail"] h2')?.textContent === n, name);
  assert.equal(await page.inputValue('[data-testid="filter"]'), 'kind:tool');
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.deepEqual(errors, []);
  await page.close();
});
