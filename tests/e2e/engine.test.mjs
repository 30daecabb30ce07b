// The parsing worker keeps what it loaded: files dropped one after another add up to the
// figures the CLI gives for them together, a removed file takes its figures with it, a span's
// raw JSON is read from the worker's copy of its file (the page's set carries no file text),
// a big file read by two parsers loads as with one, a big file that fails part way leaves a
// fresh worker, and Clear makes the worker forget them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openPage, dropFiles, figure, settled, fixture, repo } from './harness.mjs';

const loupe = path.join(repo, 'target/release/loupe');
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
const cliTotals = (...files) =>
  JSON.parse(execFileSync(loupe, ['summary', '--json', ...files], { encoding: 'utf8' })).totals;

async function expectFigures(page, want, what) {
  await page.waitForFunction((n) => document.querySelector('[data-testid="span-count"]')?.textContent === n,
    want.spans.toLocaleString('en'));
  await settled(page);
  for (const [testid, key] of [
    ['trace-count', 'traces'], ['span-count', 'spans'], ['error-count', 'errors'],
    ['llm-call-count', 'llm_calls'], ['input-tokens', 'input_tokens'], ['output-tokens', 'output_tokens'],
  ]) {
    assert.equal(num(await figure(page, testid)), want[key], `${what}: ${key}`);
  }
}

test('files dropped one by one add up, raw JSON comes from the worker, Clear forgets', async () => {
  const a = fixture('jaeger/jaeger-ui-genai-agent-trace.json');
  const b = fixture('zipkin/zipkin-lens-smartthings-1041spans.json');
  const c = fixture('langfuse/langfuse-ui-export-vercel-aisdk-2025-11-17.json');
  const { page, errors } = await openPage(browser, server.url);

  await dropFiles(page, [a]);
  await expectFigures(page, cliTotals(a), 'first file');
  assert.equal(await page.getAttribute('[data-testid="load-time"]', 'data-parser'), 'worker');
  // The one trace is open: a span's raw JSON is the worker's slice of the Jaeger file.
  await page.click('[data-testid="waterfall"] [data-testid="span-row"]');
  await page.click('details.raw summary');
  await page.waitForFunction(() => document.querySelector('[data-testid="span-raw"]')?.textContent.includes('"spanID"'));
  const raw = JSON.parse(await page.textContent('[data-testid="span-raw"]'));
  assert.ok(raw.traceID && raw.operationName, 'a Jaeger span as the file has it');

  await dropFiles(page, [b]);
  await expectFigures(page, cliTotals(a, b), 'second file added');
  await dropFiles(page, [c]);
  await expectFigures(page, cliTotals(a, b, c), 'third file added');
  const listed = await page.$$eval('[data-testid="file-ok"] .file-meta', (els) => els.map((e) => e.textContent.split(' ')[0]));
  assert.deepEqual(listed, ['jaeger', 'zipkin', 'langfuse']);

  await page.click('text=Clear');
  await page.waitForFunction(() => document.querySelector('[data-testid="span-count"]')?.textContent === '0');
  await dropFiles(page, [c]);
  await expectFigures(page, cliTotals(c), 'after Clear, only the new file');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a span of a file parsed as it was read shows its JSON, read again from the file', async () => {
  // OTLP/JSON is parsed part by part as the worker reads it; the file's text is not kept.
  const a = fixture('otlp-json/jaeger-integration-multi-resource-events.json');
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [a]);
  await expectFigures(page, cliTotals(a), 'an OTLP file');
  // Its one trace is open.
  await page.click('[data-testid="waterfall"] [data-testid="span-row"]');
  await page.click('details.raw summary');
  await page.waitForFunction(() => document.querySelector('[data-testid="span-raw"]')?.textContent.includes('"spanId"'));
  const raw = JSON.parse(await page.textContent('[data-testid="span-raw"]'));
  const file = JSON.parse(fs.readFileSync(a, 'utf8'));
  const spans = file.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  assert.ok(spans.some((s) => JSON.stringify(s) === JSON.stringify(raw)), 'the span as the file has it');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a big file read by two parsers gives the figures of one, and its later spans their JSON', async () => {
  // Over 32 MB: with ?parsers=2 a helper worker reads the file's second half, joined after.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-parsers-'));
  const big = path.join(dir, 'agents-60k.json');
  execFileSync(loupe, ['gen', '--spans', '60000', '--traces', '30', '--out', big]);
  assert.ok(fs.statSync(big).size > 32e6);
  const { page, errors } = await openPage(browser, `${server.url}?parsers=2`);
  await dropFiles(page, [big]);
  await expectFigures(page, cliTotals(big), 'a file read by two parsers');
  // The last trace's root span lies in the second half. A locator finds the row again when the
  // list is drawn anew (its window answered after the figures), where a held element would be
  // a replaced one whose click opens nothing.
  await page.locator('[data-testid="trace-row"]').last().click();
  await page.click('[data-testid="waterfall"] [data-testid="span-row"]');
  await page.click('details.raw summary');
  await page.waitForFunction(() => document.querySelector('[data-testid="span-raw"]')?.textContent.includes('"spanId"'));
  const raw = JSON.parse(await page.textContent('[data-testid="span-raw"]'));
  const text = fs.readFileSync(big, 'utf8');
  const spans = JSON.parse(text).resourceSpans[0].scopeSpans[0].spans;
  const at = spans.findIndex((s) => s.spanId === raw.spanId);
  assert.ok(at > spans.length / 2, `a span of the second half (${at} of ${spans.length})`);
  assert.deepEqual(raw, spans[at], 'the span as the file has it');
  assert.deepEqual(errors, []);
  await page.close();
  fs.rmSync(dir, { recursive: true });
});

test('a big file that fails part way leaves a fresh worker holding the files that loaded', async () => {
  // 60 MB of OTLP/JSON cut short: parsed part by part until the cut, then given up. The worker's
  // memory grew meanwhile (wasm memory never shrinks), so the page starts a fresh one.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-'));
  const big = path.join(dir, 'big.json');
  execFileSync(loupe, ['gen', '--spans', '90000', '--traces', '90', '--out', big], { stdio: 'ignore' });
  const cut = path.join(dir, 'cut.json');
  const bytes = fs.readFileSync(big);
  fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  fs.rmSync(big);
  const good = fixture('jaeger/jaeger-ui-genai-agent-trace.json');
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [good]);
  await expectFigures(page, cliTotals(good), 'a good file');
  const fresh = page.waitForEvent('worker', { timeout: 120000 });
  await page.setInputFiles('[data-testid="file-input"]', cut);
  await fresh;
  await page.waitForSelector('[data-testid="file-error"]');
  assert.match(await page.textContent('[data-testid="file-error"]'), /cut\.json.*line \d+, column \d+/s);
  await expectFigures(page, cliTotals(good), 'the good file, held by the fresh worker');
  // The fresh worker answers: a span's raw JSON comes from it.
  await page.click('[data-testid="waterfall"] [data-testid="span-row"]');
  await page.click('details.raw summary');
  await page.waitForFunction(() => document.querySelector('[data-testid="span-raw"]')?.textContent.includes('"spanID"'));
  fs.rmSync(dir, { recursive: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('removing files leaves the figures of the others, in every view', async () => {
  const a = fixture('jaeger/jaeger-ui-genai-agent-trace.json');
  const b = fixture('langfuse/langfuse-ui-export-vercel-aisdk-2025-11-17.json');
  const c = fixture('otlp-json/jaeger-integration-multi-resource-events.json');
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, [a]);
  await expectFigures(page, cliTotals(a), 'first file');
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-')), 'not-a-trace.json');
  fs.writeFileSync(broken, 'hello');
  await dropFiles(page, [b, broken]);
  await expectFigures(page, cliTotals(a, b), 'second file added');
  assert.equal(await page.locator('[data-testid="file-error"]').count(), 1);

  await page.click('[data-testid="file-ok"]:has-text("jaeger-ui-genai") [data-testid="file-remove"]');
  await expectFigures(page, cliTotals(b), 'first file removed');
  const names = () => page.$$eval('.files .file-name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(await names(), [path.basename(b), 'not-a-trace.json']);
  await page.click('[data-testid="file-error"] [data-testid="file-remove"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="file-error"]'));

  // The trace list and an analysis tab follow the engine.
  const rows = await page.locator('[data-testid="trace-row"]').count();
  assert.equal(rows, Math.min(cliTotals(b).traces, rows), 'no row beyond the file left');
  await dropFiles(page, [c]);
  await expectFigures(page, cliTotals(b, c), 'a third file added after the removal');
  await page.click('[data-testid="tab-overview"]');
  await page.waitForFunction((n) => document.querySelector('[data-testid="overview-spans"]')?.textContent === n,
    cliTotals(b, c).spans.toLocaleString('en'));

  await page.click('[data-testid="file-ok"]:has-text("langfuse") [data-testid="file-remove"]');
  await expectFigures(page, cliTotals(c), 'second file removed');
  await page.click('[data-testid="file-remove"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="span-count"]')?.textContent === '0');
  assert.deepEqual(errors, []);
  await page.close();
});
