// Load-time benchmark, run with `make bench`: the wasm sizes; the page's own load time on a
// first and a repeat visit; Loupe and speedscope side by side on the same ~100 MB of spans
// (time to first view, longest frame, added renderer memory); then agent traces generated with `loupe gen`, each opened in the
// built page in headless Chromium, with the page's load time (read + parse + trees), the time
// until the figures show and the longest main-thread frame while loading; then the flame
// graphs' draw time per frame on one trace of 100,000 spans, while zooming and panning. A file of
// about 1 GB (JSON Lines) is opened too, with the frames of the first interactions on it. Last,
// natively, `loupe summary` streams 2 GB and 1 GB files (see bench/stream.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, openPage, repo, dist, settled } from '../tests/e2e/harness.mjs';
import { toChromeTrace } from './bench/chrome-trace.mjs';
import { sideBySide, speedscopeDir, tickFrames, viewers } from './bench/side-by-side.mjs';
import { bigFile } from './bench/big-file.mjs';
import { streamBench } from './bench/stream.mjs';

const sizes = (process.env.BENCH_SPANS ?? '10000,100000,300000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const loupe = path.join(repo, 'target/release/loupe');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const wasm of fs.readdirSync(dist).filter((f) => f.endsWith('.wasm'))) {
  const bytes = fs.readFileSync(path.join(dist, wasm));
  console.log(`${wasm}: ${bytes.length} bytes raw, ${zlib.gzipSync(bytes, { level: 9 }).length} bytes gzipped`);
}

const server = await serve('/');
const browser = await launch();

// The page's own load: from navigation until the app shows its (empty) figures, on a first
// visit (fresh browser profile) and on a repeat visit (files from the service worker's cache).
const firsts = [];
const repeats = [];
for (let r = 0; r < Math.max(runs, 5); r++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const ready = async () => {
    await page.waitForSelector('[data-testid="trace-count"]');
    return page.evaluate(() => performance.now());
  };
  await page.goto(server.url);
  firsts.push(await ready());
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.goto(server.url);
  repeats.push(await ready());
  await context.close();
}
console.log(`page load until ready: first visit ${median(firsts).toFixed(0)} ms, repeat visit ${median(repeats).toFixed(0)} ms (median of ${firsts.length})`);
// Side by side: speedscope 1.25.0 (npm) and Loupe on the same Trace Event array, written from a
// `loupe gen` file, and Loupe on that OTLP/JSON file itself, read by one parser and by two;
// then `loupe summary` on it natively.
const peerSpans = Number(process.env.BENCH_PEER_SPANS ?? 150000);
const otlp = path.join(dir, `peer-${peerSpans}.json`);
{
  const spans = peerSpans;
  const chrome = path.join(dir, `peer-${spans}.trace.json`);
  execFileSync(loupe, ['gen', '--spans', String(spans), '--traces', String(Math.max(1, Math.round(spans / 1000))), '--out', otlp], { stdio: 'ignore' });
  const events = toChromeTrace(otlp, chrome);
  const peer = await serve('/', speedscopeDir);
  const rows = await sideBySide([
    ['speedscope 1.25.0, Trace Event array', viewers.speedscope, peer.url, chrome],
    ['Loupe, the same Trace Event array', viewers.loupe, server.url, chrome],
    ['Loupe, the same spans as OTLP/JSON', viewers.loupe, `${server.url}?parsers=1`, otlp],
    ['Loupe, the same OTLP/JSON, 2 parsers', viewers.loupe, `${server.url}?parsers=2`, otlp],
  ], runs);
  await peer.close();
  const base = rows[0];
  const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;
  console.log(`Side by side, ${events.toLocaleString('en')} spans, median of ${runs} fresh browsers each, alternating:`);
  console.log('| viewer and file | size | until the first view | vs speedscope | longest frame | renderer memory added | × file size |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = r === base ? '1' : (r.ms / base.ms).toFixed(2);
    console.log(`| ${r.label} | ${mb(r.size)} | ${r.ms.toLocaleString('en')} ms | ${ratio} | ${Math.round(r.frame)} ms | ${mb(r.added)} | ${(r.added / r.size).toFixed(1)}× |`);
  }
  console.log(`(idle renderer peak: speedscope ${mb(rows[0].idle)}, Loupe ${mb(rows[1].idle)}; each run in ms: ${rows.map((r) => `${r.label.split(',')[0]} ${r.all.join('/')}`).join('; ')})`);
  console.log(`2 parsers against 1 on the OTLP/JSON: ${(rows[3].ms / rows[2].ms).toFixed(2)}× the time`);
  console.log('');
  // Natively: `loupe summary` on the same OTLP/JSON file, streamed.
  const summaryMs = median(Array.from({ length: 5 }, () => {
    const t0 = process.hrtime.bigint();
    execFileSync(loupe, ['summary', otlp], { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }));
  const size = fs.statSync(otlp).size;
  console.log(`loupe summary on ${(size / 1e6).toFixed(0)} MB: ${summaryMs.toFixed(0)} ms = ${(size / 1e6 / (summaryMs / 1e3)).toFixed(0)} MB/s (median of 5)`);
  console.log('');
}
// Adding a small file to the loaded ~100 MB set: only the new file is parsed.
{
  const small = path.join(dir, 'small.json');
  execFileSync(loupe, ['gen', '--spans', '15', '--traces', '1', '--seed', '7', '--out', small], { stdio: 'ignore' });
  const want = JSON.parse(execFileSync(loupe, ['summary', '--json', otlp, small], { encoding: 'utf8' })).totals.spans;
  const adds = [];
  const walls = [];
  for (let r = 0; r < runs; r++) {
    const { page } = await openPage(browser, server.url);
    await page.setInputFiles('[data-testid="file-input"]', otlp);
    await page.waitForSelector('[data-testid="load-time"]', { timeout: 300000 });
    await settled(page);
    const t0 = Date.now();
    await page.setInputFiles('[data-testid="file-input"]', small);
    await page.waitForFunction((n) => document.querySelector('[data-testid="span-count"]')?.textContent === n,
      want.toLocaleString('en'), { timeout: 300000 });
    walls.push(Date.now() - t0);
    await settled(page);
    adds.push(Number(await page.getAttribute('[data-testid="load-time"]', 'data-ms')));
    await page.close();
  }
  const kb = (fs.statSync(small).size / 1e3).toFixed(0);
  console.log(`Adding a ${kb} KB file to the ${(fs.statSync(otlp).size / 1e6).toFixed(0)} MB set: ${median(adds)} ms in the page, ${median(walls)} ms until the figures show (median of ${runs})`);
  console.log('');
}
await bigFile(loupe, server.url, dir);
console.log('| spans | traces | file size | load in the page | until the figures show | longest main-thread frame |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const spans of sizes) {
  const traces = Math.max(1, Math.round(spans / 1000));
  const file = path.join(dir, `agents-${spans}.json`);
  execFileSync(loupe, ['gen', '--spans', String(spans), '--traces', String(traces), '--out', file], { stdio: 'ignore' });
  const loads = [];
  const walls = [];
  const frames = [];
  for (let r = 0; r < runs; r++) {
    const { page } = await openPage(browser, server.url);
    await page.evaluate(tickFrames);
    const t0 = Date.now();
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForSelector('[data-testid="load-time"]', { timeout: 300000 });
    walls.push(Date.now() - t0);
    await settled(page);
    loads.push(Number(await page.getAttribute('[data-testid="load-time"]', 'data-ms')));
    frames.push(Math.round(await page.evaluate(() => window.longestFrame)));
    await page.close();
  }
  const mb = (fs.statSync(file).size / 1e6).toFixed(1);
  const ms = (x) => `${x.toLocaleString('en')} ms`;
  console.log(`| ${spans.toLocaleString('en')} | ${traces} | ${mb} MB | ${ms(median(loads))} | ${ms(median(walls))} | ${ms(median(frames))} |`);
}

/** Waits until the canvas `testid` shows more than a few painted pixels. */
async function drawn(page, testid) {
  await page.waitForFunction((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"]`);
    if (!canvas || !canvas.width) return false;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length && inked <= 1000; i += 4) {
      if (data[i + 3] > 0 && !(data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245)) inked += 1;
    }
    return inked > 1000;
  }, testid, { timeout: 300000 });
}

// Flame graph draw time: one trace of BENCH_FLAME_SPANS spans, zoomed in and out with the wheel.
const flameSpans = Number(process.env.BENCH_FLAME_SPANS ?? 100000);
const flameFile = path.join(dir, `one-trace-${flameSpans}.json`);
execFileSync(loupe, ['gen', '--spans', String(flameSpans), '--traces', '1', '--out', flameFile], { stdio: 'ignore' });
{
  const { page } = await openPage(browser, server.url);
  await page.setInputFiles('[data-testid="file-input"]', flameFile);
  await page.waitForSelector('[data-testid="view-flame"]', { timeout: 300000 });
  await settled(page);
  await page.click('[data-testid="view-flame"]');
  const canvas = await page.waitForSelector('[data-testid="trace-flame-canvas"]');
  // The flame graph draws once the engine's first answer comes.
  await drawn(page, 'trace-flame-canvas');
  const box = await canvas.boundingBox();
  // Every redraw's time, as the canvas records it (the engine answers each zoom, then the page
  // draws its boxes).
  await page.evaluate(() => {
    window.draws = [];
    const el = document.querySelector('[data-testid="trace-flame-canvas"]');
    new MutationObserver(() => window.draws.push(Number(el.getAttribute('data-draw-ms'))))
      .observe(el, { attributes: true, attributeFilter: ['data-draw-ms'] });
  });
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  await page.mouse.move(box.x + box.width * 0.3, box.y + 40);
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, i < 20 ? -120 : 120);
    await frame();
  }
  await page.waitForTimeout(500);
  const draws = await page.evaluate(() => window.draws);
  await page.click('[data-testid="tab-flame"]');
  const agg = await page.waitForSelector('[data-testid="flame-canvas"][data-draw-ms]');
  await drawn(page, 'flame-canvas');
  const aggMs = Number(await agg.getAttribute('data-draw-ms'));
  const sorted = [...draws].sort((a, b) => a - b);
  console.log('');
  console.log(`| flame graph of ${flameSpans.toLocaleString('en')} spans | median draw | slowest draw |`);
  console.log('|---|---:|---:|');
  console.log(`| one trace, 40 wheel zooms (${draws.length} redraws) | ${median(sorted).toFixed(1)} ms | ${sorted.at(-1).toFixed(1)} ms |`);
  console.log(`| aggregated by name path | ${aggMs.toFixed(1)} ms | |`);
  await page.close();
}
await browser.close();
await server.close();
console.log('');
streamBench(loupe, dir);
fs.rmSync(dir, { recursive: true, force: true });
