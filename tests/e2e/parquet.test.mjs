// Parquet in the page: `loupe convert --to parquet` output, sliced by a DuckDB query (only the
// traces with a gpt-* call), opens like any trace file with the query's figures; a Parquet file
// without Loupe's span columns says which it lacks, and the file beside it still loads. The
// Parquet decoder is a worker of its own, started only once a Parquet file arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pageSession, openPage, settled, figure, fixture, repo, serve } from './harness.mjs';

const session = pageSession();
const python = path.join(repo, '.venv/bin/python');
const loupe = path.join(repo, 'target/release/loupe');

/** Runs DuckDB (PyPI's, installed by the test setup) on `sql`; gives the first row. */
function duckdb(sql) {
  const out = execFileSync(python, ['-c', `
import duckdb, json, sys
con = duckdb.connect()
for statement in sys.argv[1].split(';')[:-1]:
    con.execute(statement)
print(json.dumps(con.execute(sys.argv[1].split(';')[-1]).fetchone()))
`, sql]);
  return JSON.parse(out.toString());
}

test('a DuckDB slice of loupe convert output opens with the figures of its query', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-parquet-'));
  const all = path.join(dir, 'spans.parquet');
  const slice = path.join(dir, 'gpt-traces.parquet');
  const other = path.join(dir, 'not-spans.parquet');
  const langfuse = fs.readdirSync(fixture('langfuse')).map((f) => fixture(`langfuse/${f}`));
  execFileSync(loupe, ['convert', '--to', 'parquet', '--out', all, ...langfuse], { stdio: 'pipe' });
  const [spans, traces, input, output] = duckdb(
    `COPY (SELECT * FROM '${all}' WHERE trace_id IN (SELECT trace_id FROM '${all}' WHERE model LIKE 'gpt%')) TO '${slice}' (FORMAT parquet);`
    + `COPY (SELECT 1 AS a, 'x' AS name) TO '${other}' (FORMAT parquet);`
    + `SELECT count(*), count(DISTINCT trace_id), sum(input_tokens) FILTER (counts_usage), sum(output_tokens) FILTER (counts_usage) FROM '${slice}'`,
  );
  assert.ok(traces > 1 && traces < 9, `the query keeps some traces: ${traces}`);

  // Decoder workers started, as the server sees their scripts asked for: a worker's script
  // comes same-origin (the service worker caching the page's files asks for it with CORS).
  let decoders = 0;
  const server = await serve('/', undefined, (file, headers) => {
    if (file.endsWith('/loupe-parquet_loader.js') && headers['sec-fetch-mode'] === 'same-origin') decoders += 1;
  });
  const { page, errors } = await openPage(session.browser, server.url);
  // Once the service worker has cached the page's files (the decoder's among them).
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  assert.equal(decoders, 0, 'no decoder before a Parquet file');
  await page.setInputFiles('[data-testid="file-input"]', [other, slice]);
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  const n = (s) => Number(s.replace(/,/g, ''));
  assert.equal(n(await figure(page, 'trace-count')), traces);
  assert.equal(n(await figure(page, 'span-count')), spans);
  assert.equal(n(await figure(page, 'input-tokens')), input);
  assert.equal(n(await figure(page, 'output-tokens')), output);
  const failed = await page.textContent('[data-testid="file-error"]');
  assert.match(failed, /not-spans\.parquet.*lacks trace_id, span_id, start_time, end_time \(its columns are a, name\)/s);
  // A span of the slice opens with its facts and attributes.
  await page.click('[data-testid="trace-row"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="span-row"]').length > 1);
  await page.click('[data-testid="span-row"] >> nth=1');
  await page.waitForSelector('[data-testid="span-attributes"]');
  // Its raw JSON: none, and the panel says why.
  await page.click('summary:has-text("Raw span JSON")');
  assert.match(await page.textContent('[data-testid="span-raw-none"]'), /Parquet keeps its columns/);
  assert.deepEqual(errors, []);
  assert.equal(decoders, 2, 'a decoder for each Parquet file');
  await page.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
