// One file of each format, dropped into the page, shows the same figures as `loupe summary
// --json` gives for it (whose figures the engine's tests check against the files themselves).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openPage, dropFiles, figure, settled, fixture, repo } from './harness.mjs';

const FILES = [
  'otlp-json/tempo-base64-ids-enum-strings-errors.json',
  'otlp-jsonl/jaeger-ui-otlp-multi-lines.jsonl',
  'jaeger/jaeger-ui-genai-agent-trace.json',
  'zipkin/zipkin-lens-kafka-errors.json',
  'langfuse/langfuse-ui-export-openai-agents-2025-09-30.json',
  'langsmith/langsmith-js-wrap-openai-reasoning.json',
  'mlflow/agent-tool-keyerror.json',
  'openinference/phoenix-rest-spans-agent-turn-error.json',
  'other/monocle-otel-python-to_json-adk-errors-51spans.json',
  'other/vercel-ai-sdk-v6-js-readablespan-hrtime.json',
  'other/tracetest-nested-tree-138spans-depth48.json',
  'other/otel-genai-client-span-attributes-flat.json',
  'chrome-trace/chrome-tracing-gzipped.json.gz',
];
const WRITTEN = [
  'crates/loupe-core/tests/fixtures/helicone-export-session-written-by-loupe.jsonl',
  'crates/loupe-core/tests/fixtures/bundle-v1-written-by-loupe.loupe.json.gz',
  'crates/loupe-core/tests/fixtures/openinference-billed-calls-written-by-loupe.json',
  'crates/loupe-core/tests/fixtures/mlflow-otlp-span-types-written-by-loupe.json',
  'crates/loupe-core/tests/fixtures/langfuse-sdk-otlp-written-by-loupe.json',
  'crates/loupe-core/tests/fixtures/langsmith-otel-written-by-loupe.json',
  'crates/loupe-core/tests/fixtures/chrome-trace-llm-args-written-by-loupe.json',
];

let server;
let browser;
let loupe;

before(async () => {
  loupe = [path.join(repo, 'target/release/loupe'), path.join(repo, 'target/debug/loupe')]
    .find((p) => fs.existsSync(p));
  assert.ok(loupe, 'the loupe CLI is built');
  server = await serve('/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const num = (s) => Number(s.replace(/[^0-9]/g, ''));

test('each format shows the figures the CLI gives', async () => {
  const files = [...FILES.map(fixture), ...WRITTEN.map((f) => path.join(repo, f))];
  for (const file of files) {
    const cli = JSON.parse(execFileSync(loupe, ['summary', '--json', file], { encoding: 'utf8' }));
    const want = cli.totals;
    const { page, errors } = await openPage(browser, server.url);
    await dropFiles(page, [file]);
    await page.waitForSelector('[data-testid="file-ok"], [data-testid="file-error"]');
    await settled(page);
    const name = path.basename(file);
    assert.equal((await page.$$('[data-testid="file-error"]')).length, 0, `${name} loads`);
    const format = await page.textContent('[data-testid="file-ok"] .file-meta');
    assert.equal(format.split(' ')[0], cli.files[0].format, `${name}: format`);
    for (const [testid, key] of [
      ['trace-count', 'traces'], ['span-count', 'spans'], ['error-count', 'errors'],
      ['llm-call-count', 'llm_calls'], ['input-tokens', 'input_tokens'], ['output-tokens', 'output_tokens'],
    ]) {
      assert.equal(num(await figure(page, testid)), want[key], `${name}: ${key}`);
    }
    const cost = await figure(page, 'total-cost');
    assert.equal(cost === '—', want.cost_usd === null, `${name}: cost shown as ${cost}`);
    assert.deepEqual(errors, [], name);
    await page.close();
  }
});

test('every figure of the CLI JSON is on the page, file by file', async () => {
  const files = [...FILES.map(fixture), ...WRITTEN.map((f) => path.join(repo, f))];
  const cli = JSON.parse(execFileSync(loupe, ['summary', '--json', ...files], { encoding: 'utf8' }));
  const { page, errors } = await openPage(browser, server.url);
  await dropFiles(page, files);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="file-ok"]').length === n, files.length);
  await settled(page);
  const rows = await page.$$eval('[data-testid="file-ok"]', (els) => els.map((el) => {
    const f = el.querySelector('[data-testid="file-figures"]');
    const warnings = el.querySelector('.file-warnings summary');
    return {
      name: el.querySelector('.file-name').textContent,
      format: el.querySelector('.file-meta').textContent.split(' ')[0],
      traces: Number(f.dataset.traces),
      spans: Number(f.dataset.spans),
      errors: Number(f.dataset.errors),
      llm_calls: Number(f.dataset.llmCalls),
      embedding_calls: Number(f.dataset.embeddingCalls),
      input_tokens: Number(f.dataset.inputTokens),
      output_tokens: Number(f.dataset.outputTokens),
      cost_usd: f.dataset.cost === undefined ? null : Number(f.dataset.cost),
      warnings: warnings ? Number(warnings.textContent.replace(/[^0-9]/g, '')) : 0,
      shown: f.textContent,
    };
  }));
  assert.equal(rows.length, cli.files.length);
  for (const want of cli.files) {
    const got = rows.find((r) => r.name === path.basename(want.path));
    assert.ok(got, `${want.path} is listed`);
    for (const key of ['format', 'traces', 'spans', 'errors', 'llm_calls', 'embedding_calls', 'input_tokens', 'output_tokens']) {
      assert.equal(got[key], want[key], `${want.path}: ${key}`);
    }
    if (want.cost_usd === null) {
      assert.equal(got.cost_usd, null, `${want.path}: no cost`);
    } else {
      assert.ok(Math.abs(got.cost_usd - want.cost_usd) < 1e-12, `${want.path}: cost ${got.cost_usd}`);
    }
    assert.equal(got.warnings, want.warnings.length, `${want.path}: warnings`);
    assert.match(got.shown, /traces? · /, 'the figures are written out, not only in attributes');
  }
  const t = cli.totals;
  for (const [testid, key] of [
    ['trace-count', 'traces'], ['span-count', 'spans'], ['error-count', 'errors'],
    ['llm-call-count', 'llm_calls'], ['input-tokens', 'input_tokens'], ['output-tokens', 'output_tokens'],
  ]) {
    assert.equal(num(await figure(page, testid)), t[key], `totals: ${key}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a Jaeger envelope and a Zipkin list of traces show the CLI figures, and a span its JSON from the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-lists-'));
  try {
    const list = path.join(dir, 'zipkin-traces.json');
    execFileSync('python3', [path.join(repo, 'scripts/fixture_copies.py'), 'zipkin', list, '1']);
    const files = [fixture('jaeger/jaeger-ui-api-response-multi.json'), list];
    const cli = JSON.parse(execFileSync(loupe, ['summary', '--json', ...files], { encoding: 'utf8' }));
    assert.deepEqual(cli.files.map((f) => f.format), ['jaeger', 'zipkin']);
    const { page, errors } = await openPage(browser, server.url);
    await dropFiles(page, files);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-ok"]').length === 2);
    await settled(page);
    for (const [testid, key] of [['trace-count', 'traces'], ['span-count', 'spans'], ['error-count', 'errors']]) {
      assert.equal(num(await figure(page, testid)), cli.totals[key], key);
    }
    // The Jaeger trace (the latest) opens; its span's JSON is read again from the file.
    await page.click('text=main');
    await page.click('[data-testid="waterfall"] [data-testid="span-row"]');
    await page.click('details.raw summary');
    await page.waitForFunction(() => document.querySelector('[data-testid="span-raw"]')?.textContent.includes('"spanID"'));
    const raw = JSON.parse(await page.textContent('[data-testid="span-raw"]'));
    assert.equal(raw.operationName, 'main');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
