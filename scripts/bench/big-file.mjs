// Files of about 1 GB (1.5 million spans from `loupe gen`), as OTLP/JSON Lines and as one
// OTLP/JSON document, opened in the page: the time until the first view, the longest
// main-thread frame meanwhile and the renderer's added memory; then, on the loaded JSON Lines,
// the longest frame of each interaction a user starts first: sorting the trace list, filtering
// it, opening the largest trace, zooming its flame graph and opening the Latency tab.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { measureOnce, twoFrames, viewers } from './side-by-side.mjs';

/** Runs `act`, waits for `done`, and gives the time and longest frame from the start of `act`. */
async function interaction(page, label, act, done) {
  await page.evaluate(() => { window.longestFrame = 0; });
  const t0 = Date.now();
  await act();
  await done();
  await page.evaluate(twoFrames);
  return { label, ms: Date.now() - t0, frame: await page.evaluate(() => window.longestFrame) };
}

const firstRow = (page) => page.textContent('[data-testid="trace-row"]');

/** The interactions, in order, on a page that shows the loaded file's trace list. */
async function interactions(page) {
  const rows = [];
  const before = await firstRow(page);
  rows.push(await interaction(page, 'sort the trace list by duration',
    () => page.click('[data-testid="sort-Duration"]'),
    () => page.waitForFunction((b) => document.querySelector('[data-testid="trace-row"]')?.textContent !== b, before, { timeout: 120000 })));
  const counted = await page.textContent('[data-testid="filter-count"]');
  rows.push(await interaction(page, 'filter it (cost>4)',
    async () => {
      await page.fill('[data-testid="filter"]', 'cost>4');
      await page.press('[data-testid="filter"]', 'Enter');
    },
    () => page.waitForFunction((c) => document.querySelector('[data-testid="filter-count"]')?.textContent !== c, counted, { timeout: 120000 })));
  await page.fill('[data-testid="filter"]', '');
  await page.press('[data-testid="filter"]', 'Enter');
  await page.locator('[data-testid="filter"]').blur();
  await page.click('[data-testid="sort-Spans"]');
  await page.evaluate(twoFrames);
  rows.push(await interaction(page, 'open the largest trace',
    () => page.click('[data-testid="trace-row"]'),
    () => page.waitForSelector('[data-testid="span-row"]', { timeout: 120000 })));
  rows.push(await interaction(page, 'zoom its flame graph (10 wheel steps)',
    async () => {
      await page.click('[data-testid="view-flame"]');
      const canvas = await page.waitForSelector('[data-testid="trace-flame-canvas"][data-draw-ms]', { timeout: 120000 });
      const box = await canvas.boundingBox();
      await page.mouse.move(box.x + box.width * 0.3, box.y + 40);
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(0, -120);
        await page.evaluate(twoFrames);
      }
    },
    () => page.evaluate(twoFrames)));
  rows.push(await interaction(page, 'open the Latency tab',
    () => page.click('[data-testid="tab-latency"]'),
    () => page.waitForSelector('[data-testid="latency-row"]', { timeout: 300000 })));
  return rows;
}

/** Writes the files with `loupe` into `dir`, opens each in the page at `url`, prints the tables. */
export async function bigFile(loupe, url, dir) {
  const spans = Number(process.env.BENCH_BIG_SPANS ?? 1500000);
  const mb = (b) => `${(b / 1e6).toLocaleString('en', { maximumFractionDigits: 0 })} MB`;
  const rows = [];
  let after;
  for (const [shape, flags, ext] of [['OTLP/JSON Lines', ['--lines'], 'jsonl'], ['one OTLP/JSON document', [], 'json']]) {
    const file = path.join(dir, `big-${spans}.${ext}`);
    execFileSync(loupe, ['gen', ...flags, '--spans', String(spans), '--traces', String(spans / 1000), '--out', file], { stdio: 'ignore' });
    const size = fs.statSync(file).size;
    const run = await measureOnce(viewers.loupe, url, file, after ? undefined : interactions);
    after ??= run.after;
    fs.rmSync(file);
    rows.push(`| ${spans.toLocaleString('en')} spans as ${shape} | ${mb(size)} | ${run.ms.toLocaleString('en')} ms | ${Math.round(run.frame)} ms | ${mb(run.added)} | ${(run.added / size).toFixed(1)}× |`);
  }
  console.log(`| file | size | until the first view | longest frame | renderer memory added | × file size |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log('');
  console.log(`| on those ${spans.toLocaleString('en')} spans (JSON Lines) | until done | longest main-thread frame |`);
  console.log('|---|---:|---:|');
  for (const r of after) console.log(`| ${r.label} | ${r.ms.toLocaleString('en')} ms | ${Math.round(r.frame)} ms |`);
  console.log('');
}
