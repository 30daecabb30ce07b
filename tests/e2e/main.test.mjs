// The main flow in real Chromium against the built page: drop files, read the figures, open a
// trace and a span, see a broken file's error beside a good file, use the keyboard, and check
// that the page contacts nothing but its own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, openPage, dropFiles, figure, settled, fixture, ensureOutputDir,
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

const num = (s) => Number(s.replace(/[^0-9]/g, ''));

test('dropping a fixture shows its counts in the figures', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [fixture('otlp-jsonl/otel-tui-collector-fileexporter-demo-mixed-signals.jsonl.gz')]);
  await page.waitForFunction(() => document.querySelector('[data-testid="span-count"]').textContent === '547');
  await settled(page);
  assert.equal(num(await figure(page, 'trace-count')), 141);
  assert.equal(num(await figure(page, 'error-count')), 107);
  assert.equal(num(await figure(page, 'llm-call-count')), 0);
  assert.equal(await figure(page, 'total-cost'), '—');
  // The rows in view come from the engine, a moment after the figures.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="trace-row"]').length > 10);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Jaeger, Zipkin and Langfuse files dropped together show their figures', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [
    fixture('jaeger/jaeger-ui-genai-agent-trace.json'),
    fixture('zipkin/zipkin-lens-smartthings-1041spans.json'),
    fixture('langfuse/langfuse-ui-export-vercel-aisdk-2025-11-17.json'),
  ]);
  await page.waitForFunction(() => document.querySelector('[data-testid="span-count"]').textContent === '1,101');
  await settled(page);
  assert.equal(num(await figure(page, 'trace-count')), 3);
  assert.equal(num(await figure(page, 'error-count')), 3);
  assert.equal(num(await figure(page, 'llm-call-count')), 7);
  assert.equal(num(await figure(page, 'input-tokens')), 8280 + 62);
  assert.equal(num(await figure(page, 'output-tokens')), 1180 + 85);
  assert.equal(await figure(page, 'total-cost'), '$0.00093');
  const formats = await page.$$eval('[data-testid="file-ok"] .file-meta', (els) => els.map((e) => e.textContent));
  assert.deepEqual(formats.map((f) => f.split(' ')[0]), ['jaeger', 'zipkin', 'langfuse']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a trace opens in the waterfall and a span shows its attributes', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [fixture('otlp-json/tempo-base64-ids-enum-strings-errors.json')]);
  // A single trace opens straight into its waterfall.
  await page.waitForSelector('[data-testid="waterfall"] [data-testid="span-row"]');
  const rows = await page.$$('[data-testid="span-row"]');
  assert.equal(rows.length, 15);
  await rows[1].click();
  const attrs = await page.textContent('[data-testid="span-attributes"]');
  assert.match(attrs, /http\.method|http\.url|net\./);
  const title = await page.textContent('.detail-title');
  assert.ok(title.length > 0);
  // Back to the list, where the trace is one row.
  await page.click('[data-testid="back-to-traces"]');
  await page.waitForSelector('[data-testid="trace-row"]');
  assert.equal((await page.$$('[data-testid="trace-row"]')).length, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a broken file and one too big show their errors while a good file dropped with them loads', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-'));
  const truncated = path.join(dir, 'truncated.json');
  const good = fs.readFileSync(fixture('otlp-json/otel-proto-example-trace.json'), 'utf8');
  fs.writeFileSync(truncated, good.slice(0, good.length - 40));
  const unknown = path.join(dir, 'notes.json');
  fs.writeFileSync(unknown, JSON.stringify({ hello: 'world' }));
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [truncated, unknown, fixture('otlp-json/tempo-base64-ids-enum-strings-errors.json')]);
  await page.waitForSelector('[data-testid="file-error"]');
  await settled(page);
  const failures = await page.$$eval('[data-testid="file-error"]', (els) => els.map((e) => e.textContent));
  assert.equal(failures.length, 2);
  assert.match(failures[0], /truncated\.json.*line \d+, column \d+/s);
  assert.match(failures[1], /notes\.json.*not a trace format Loupe reads: a JSON object with keys hello/s);
  // A 5 GB file (sparse on disk) is more than a tab can hold: it says so before reading it.
  const huge = path.join(dir, 'huge.json');
  fs.closeSync(fs.openSync(huge, 'w'));
  fs.truncateSync(huge, 5e9);
  await page.setInputFiles('[data-testid="file-input"]', huge);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-error"]').length === 3);
  fs.rmSync(huge);
  const last = (await page.$$eval('[data-testid="file-error"]', (els) => els.map((e) => e.textContent))).at(-1);
  assert.match(last, /huge\.json.*at 5\.0 GB the file is larger than a tab can hold/s);
  assert.equal(num(await figure(page, 'span-count')), 15, 'the good file loaded');
  assert.equal((await page.$$('[data-testid="file-ok"]')).length, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the demo opens one click away and the keyboard walks the tree', async () => {
  const { page, errors, requests } = await openPage(browser, server.url);
  await page.click('[data-testid="open-demo"]');
  await page.waitForSelector('[data-testid="span-row"]');
  await settled(page);
  assert.equal(num(await figure(page, 'span-count')), 16);
  assert.equal(num(await figure(page, 'error-count')), 1);
  assert.ok(num(await figure(page, 'llm-call-count')) >= 3);
  assert.ok(num(await figure(page, 'input-tokens')) > 0);
  assert.ok(num(await figure(page, 'output-tokens')) > 0);
  const failedTool = await page.$('[data-testid="span-row"].error');
  assert.ok(failedTool, 'the failed tool call is marked');

  await page.focus('.waterfall-wrap');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('.detail-title'), /retrieval/);
  // Left collapses the retriever's subtree; right opens it again.
  const before = (await page.$$('[data-testid="span-row"]')).length;
  // The engine answers with the rows left to show.
  const rowsAre = (n) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="span-row"]').length === n, n);
  await page.keyboard.press('ArrowLeft');
  await rowsAre(before - 1);
  await page.keyboard.press('ArrowRight');
  await rowsAre(before);

  // Select the failed tool call: its exception is shown.
  await failedTool.click();
  assert.match(await page.textContent('[data-testid="span-exception"]'), /ToolError/);

  await page.screenshot({ path: path.join(ensureOutputDir(), 'trace-view.png') });
  assert.ok(requests.some((r) => r.url.endsWith('/loupe-worker_loader.js')), 'parsing ran in the worker');
  const origin = new URL(server.url).origin;
  const foreign = requests.filter((r) => !r.url.startsWith(origin) || r.method !== 'GET');
  assert.deepEqual(foreign, [], 'only GETs of the page\'s own assets');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an LLM span shows its messages as a chat with tool calls', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [fixture('openinference/phoenix-rest-spans-agent-turn-error.json')]);
  // A file of one trace opens that trace at once.
  await page.waitForSelector('[data-testid="span-row"]');
  await settled(page);
  // The second row is the first LLM call (claude-fable-5) under the agent turn.
  const rows = await page.$$('[data-testid="span-row"]');
  await rows[1].click();
  await page.waitForSelector('[data-testid="span-chat"]');
  const roles = await page.$$eval('[data-testid="chat-message"]', (els) => els.map((e) => e.dataset.role));
  assert.deepEqual(roles.slice(0, 2), ['system', 'user']);
  assert.ok(roles.includes('tool'), 'tool results are shown');
  assert.equal(roles.at(-1), 'assistant');
  assert.ok((await page.$$('[data-testid="tool-call"]')).length >= 1, 'tool calls are shown');
  const facts = await page.textContent('[data-testid="span-facts"]');
  assert.match(facts, /Provider\s*anthropic/);
  assert.match(facts, /Session\s*fixture-session/);
  ensureOutputDir();
  await page.screenshot({ path: 'tests/e2e/output/chat-view.png', fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a trace shows its session, user and scores', async () => {
  const file = fixture('langfuse/agent-prism-langfuse-qa-chatbot-2025-09.json');
  const trace = JSON.parse(fs.readFileSync(file, 'utf8')).trace;
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [file]);
  await page.waitForSelector('[data-testid="trace-scores"]');
  const context = await page.textContent('[data-testid="trace-context"]');
  assert.ok(context.includes(`session ${trace.sessionId}`), context);
  assert.ok(context.includes(`user ${trace.userId}`), context);
  const scores = await page.$$eval('[data-testid="trace-scores"] .score', (els) => els.map((e) => e.textContent));
  assert.deepEqual(scores.sort(), trace.scores.map((s) => `${s.name} ${s.value}`).sort());
  assert.deepEqual(errors, []);
  await page.close();
});
