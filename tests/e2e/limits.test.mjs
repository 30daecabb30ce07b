// Files built to exhaust the tab: gzip bombs, a string of 500 MB, nesting 100,000 deep, 10
// million empty spans, a span with a million attributes. Each gives a message that names what
// it hit, and the tab stays usable: the next file loads. The files are written to a temporary
// folder and deleted after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { pageSession, openPage, settled, fixture } from './harness.mjs';

const session = pageSession();
let dir;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-limits-'));
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `name` from the chunks `parts` yields (strings or buffers), gzipped if asked. */
async function write(name, parts, { gzip = false } = {}) {
  const file = path.join(dir, name);
  const source = Readable.from(parts(), { objectMode: false });
  const steps = gzip ? [source, zlib.createGzip({ level: 1 }), fs.createWriteStream(file)]
    : [source, fs.createWriteStream(file)];
  await pipeline(...steps);
  return file;
}

/** `count` copies of `text`, a megabyte or so at a time. */
function* repeated(text, count) {
  const per = Math.max(1, Math.floor((1 << 20) / text.length));
  const block = Buffer.from(text.repeat(per));
  for (let left = count; left > 0; left -= per) {
    yield left >= per ? block : Buffer.from(text.repeat(left));
  }
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** An OTLP/JSON span, its attributes' JSON written by `attributes`. */
function* span(id, name, attributes) {
  yield `{"traceId":"${TRACE}","spanId":"${id}","name":"${name}",` +
    '"startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[';
  yield* attributes();
  yield ']}';
}

/** A request of the spans given, each a generator. */
function* request(...spans) {
  yield '{"resourceSpans":[{"scopeSpans":[{"spans":[';
  for (const [i, s] of spans.entries()) {
    if (i > 0) yield ',';
    yield* s;
  }
  yield ']}]}]}';
}

const plain = () => span('b7ad6b7169203332', 'plain', function* () {
  yield '{"key":"k","value":{"stringValue":"v"}}';
});

/** Drops `file` through the file picker (read from disk by the browser, not sent through). */
async function pick(page, file) {
  await page.setInputFiles('[data-testid="file-input"]', file);
}

/** The page's file rows' text, once `count` rows show and loading is over. */
async function fileRows(page, count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="file-ok"], [data-testid="file-error"]').length >= n,
    count,
    { timeout: 120_000 },
  );
  await settled(page);
  return page.$$eval('[data-testid="file-ok"], [data-testid="file-error"]', (els) => els.map((e) => e.textContent));
}

/** A small real file loads after what came before: its trace joins the list. */
async function stillUsable(page, rowsBefore) {
  const traces = Number(await page.textContent('[data-testid="trace-count"]'));
  await pick(page, fixture('otlp-json/otel-proto-example-trace.json'));
  const rows = await fileRows(page, rowsBefore + 1);
  assert.match(rows.at(-1), /otel-proto-example-trace\.json.*otlp-json/s);
  assert.equal(Number(await page.textContent('[data-testid="trace-count"]')), traces + 1);
}

/** Opens a fresh page; `errors` collects console errors, and `parser` is its parsing worker. */
async function fresh() {
  const opened = await openPage(session.browser, session.server.url);
  await opened.page.waitForFunction(() => true);
  const parser = opened.page.workers().find((w) => w.url().includes('loupe-worker'));
  assert.ok(parser, 'the parsing worker started with the page');
  return { ...opened, parser };
}

test('a gzip bomb of zeros is refused from its start, and the next file loads', async () => {
  const bomb = await write('zeros.json.gz', () => repeated('\0', 1 << 30), { gzip: true });
  assert.ok(fs.statSync(bomb).size < 8 << 20, 'a small file that expands to 1 GB');
  const { page, errors } = await fresh();
  const started = Date.now();
  await pick(page, bomb);
  const [row] = await fileRows(page, 1);
  assert.match(row, /zeros\.json\.gz.*not JSON once decompressed/s);
  assert.ok(Date.now() - started < 10_000, 'refused without inflating the gigabyte');
  await stillUsable(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a gzip bomb that opens like JSON stops at its ceiling, and a fresh parser takes over', async () => {
  const bomb = await write('blanks.json.gz', function* () {
    yield '{"resourceSpans":[';
    yield* repeated(' ', 1 << 30);
  }, { gzip: true });
  const { page, errors, parser } = await fresh();
  const closed = once(parser, 'close');
  await pick(page, bomb);
  const [row] = await fileRows(page, 1);
  assert.match(row, /blanks\.json\.gz.*expands beyond \d+ MB when decompressed/s);
  await closed;
  await stillUsable(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a file of one string of 500 MB is refused with what it is', async () => {
  const file = await write('one-string.json', function* () {
    yield '"';
    yield* repeated('a', 500 << 20);
    yield '"';
  });
  const { page, errors } = await fresh();
  await pick(page, file);
  const [row] = await fileRows(page, 1);
  assert.match(row, /one-string\.json.*not a trace format Loupe reads/s);
  await stillUsable(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
  fs.rmSync(file);
});

test('a value of 500 MB is cut at the string limit, named in a warning, and its span opens', async () => {
  const file = await write('big-value.json', () => request(
    span('b7ad6b7169203331', 'huge', function* () {
      yield '{"key":"input.value","value":{"stringValue":"';
      yield* repeated('p', 500 << 20);
      yield '"}}';
    }),
    plain(),
  ));
  const { page, errors } = await fresh();
  await pick(page, file);
  const [row] = await fileRows(page, 1);
  assert.match(row, /big-value\.json.*2 spans/s);
  assert.match(row, /span 'huge' holds a value longer than 16 MB, Loupe's string limit/);
  // Its one trace opens by itself.
  await page.click('[data-testid="span-row"] >> text=huge');
  await page.waitForSelector('[data-testid="span-attributes"]');
  const shown = await page.$eval('[data-testid="span-attributes"]', (el) => el.textContent.length);
  assert.ok(shown < 17 << 20, `the value shows cut (${shown} characters)`);
  await stillUsable(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
  fs.rmSync(file);
});

test('nesting 100,000 deep is refused or skipped with the nesting limit named', async () => {
  const depth = 100_000;
  const arrays = await write('deep-arrays.json', function* () {
    yield '['.repeat(depth);
    yield ']'.repeat(depth);
  });
  const value = await write('deep-value.json', () => request(
    span('b7ad6b7169203331', 'deep', function* () {
      yield '{"key":"k","value":';
      yield '{"arrayValue":{"values":['.repeat(depth);
      yield '{"stringValue":"x"}';
      yield ']}}'.repeat(depth);
      yield '}';
    }),
    plain(),
  ));
  const { page, errors } = await fresh();
  await pick(page, arrays);
  let rows = await fileRows(page, 1);
  assert.match(rows[0], /deep-arrays\.json.*not a trace format Loupe reads/s);
  await pick(page, value);
  rows = await fileRows(page, 2);
  assert.match(rows[1], /deep-value\.json.*1 spans?/s);
  assert.match(rows[1], /JSON nested more than 127 levels deep, Loupe's nesting limit/);
  await stillUsable(page, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('10 million empty spans in JSON Lines give one message with their count', async () => {
  const file = await write('empty-spans.jsonl', () => repeated(
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{}]}]}]}\n', 10_000_000,
  ));
  const { page, errors } = await fresh();
  await pick(page, file);
  const [row] = await fileRows(page, 1);
  assert.match(row, /empty-spans\.jsonl.*no span in the file could be read \(10000000 skipped\); the first: span '' skipped at line 1, column \d+: it has no traceId/s);
  await stillUsable(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
  fs.rmSync(file);
});

test('a span with a million attributes keeps the first 10,000 and says so', async () => {
  const file = await write('wide.json', () => request(
    span('b7ad6b7169203331', 'wide', function* () {
      for (let i = 0; i < 1_000_000; i += 1) {
        yield `${i ? ',' : ''}{"key":"a${i}","value":{"intValue":"${i}"}}`;
      }
    }),
    plain(),
  ));
  const { page, errors } = await fresh();
  await pick(page, file);
  const [row] = await fileRows(page, 1);
  assert.match(row, /wide\.json.*2 spans/s);
  assert.match(row, /span 'wide' has 1000000 attributes, more than Loupe's limit of 10000 per span/);
  await page.click('[data-testid="span-row"] >> text=wide');
  await page.waitForSelector('[data-testid="span-attributes"] tr');
  const kept = await page.$$eval('[data-testid="span-attributes"] tr', (trs) => trs.length);
  assert.equal(kept, 10_000);
  // Its raw JSON shows its start, and saves whole: every attribute is in it.
  await page.click('[data-testid="span-detail"] details.raw summary');
  assert.match(await page.textContent('[data-testid="span-raw-cut"]'), /The first 1\.0 MB of 4\d\.\d MB are shown/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="span-raw-save"]')]);
  const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(saved.name, 'wide');
  assert.equal(saved.attributes.length, 1_000_000);
  await stillUsable(page, 1);
  assert.deepEqual(errors, []);
  await page.close();
});
