// One file of each format, dropped into the page, shows the same figures as `loupe summary
// --json` gives for it (whose figures the engine's tests check against the files themselves).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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
const WRITTEN = ['crates/loupe-core/tests/fixtures/helicone-export-session-written-by-loupe.jsonl'];

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
