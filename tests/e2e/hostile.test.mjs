// Files a user did not write: a gzip bomb is refused with a message from its start, and the
// next file loads normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { pageSession, openPage, dropFiles, settled, fixture, ensureOutputDir, outputDir } from './harness.mjs';

const session = pageSession();

/** Writes `mb` MB of zero bytes, gzipped (about 1/1000 of that on disk). */
async function zeroBomb(file, mb) {
  const block = Buffer.alloc(1 << 20);
  let left = mb;
  const zeros = new Readable({
    read() {
      this.push(left-- > 0 ? block : null);
    },
  });
  await pipeline(zeros, zlib.createGzip({ level: 9 }), fs.createWriteStream(file));
}

test('a gzip bomb gives a message from its start, and the next file loads', async () => {
  ensureOutputDir();
  const bomb = path.join(outputDir, 'zeros.json.gz');
  await zeroBomb(bomb, 1024);
  assert.ok(fs.statSync(bomb).size < 2 << 20, 'a small file that expands to 1 GB');
  const { page, errors } = await openPage(session.browser, session.server.url);
  const started = Date.now();
  await dropFiles(page, [bomb]);
  await page.waitForSelector('[data-testid="file-error"]');
  assert.match(await page.textContent('[data-testid="file-error"]'), /zeros\.json\.gz.*not JSON once decompressed/s);
  assert.ok(Date.now() - started < 10_000, 'refused without inflating the gigabyte');
  await dropFiles(page, [fixture('otlp-json/otel-proto-example-trace.json')]);
  await page.waitForSelector('[data-testid="file-ok"]');
  await settled(page);
  assert.equal(await page.textContent('[data-testid="trace-count"]'), '1');
  assert.deepEqual(errors, []);
  await page.close();
});
