// The habits users expect: a dark theme (from the system, or the header's toggle, kept in this
// browser) that every tab and every canvas follows, with a screenshot of each tab in it; and
// the keys `?` (the sheet of every key), `/` (the filter) and `Esc` (the sheet, a dialog, the
// span's detail, the open trace); and a drag across a trace's flame graph or its waterfall
// zooming into a range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPage, settled, pageSession, ensureOutputDir } from './harness.mjs';

const session = pageSession();
const TABS = ['overview', 'traces', 'flame', 'latency', 'cost', 'compare'];
const DARK_BG = 'rgb(19, 20, 27)';
const DARK_PANEL = [0x1c, 0x1d, 0x26];

async function openDemo(page) {
  await page.click('[data-testid="open-demo"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="trace-count"]')?.textContent.trim() !== '0');
  await settled(page);
}

/** The zoom the URL fragment holds, as nanoseconds from the trace's start, or null. */
async function zoomIn(page) {
  const m = /zoom=(\d+)-(\d+)/.exec(await page.evaluate(() => decodeURIComponent(location.hash)));
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The colour of a canvas's pixel near its top left corner (inside any margin). */
async function cornerPixel(page, testid) {
  return page.$eval(`[data-testid="${testid}"]`, (c) => [...c.getContext('2d').getImageData(2, 2, 1, 1).data].slice(0, 3));
}

test('the dark theme: every tab and canvas follows it, and the choice is kept', async () => {
  const { page, errors } = await openPage(session.browser, session.server.url);
  await openDemo(page);
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light', 'light where the system asks for nothing');
  await page.click('[data-testid="theme-toggle"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await page.$eval('html', (h) => getComputedStyle(h).backgroundColor), DARK_BG);
  const dir = ensureOutputDir();
  for (const tab of TABS) {
    await page.click(`[data-testid="tab-${tab}"]`);
    await settled(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(dir, `dark-${tab}.png`) });
  }
  // The charts drawn on canvases take the dark panel, not white.
  await page.click('[data-testid="tab-latency"]');
  await page.waitForSelector('[data-testid="latency-histogram"]');
  await page.waitForTimeout(300);
  assert.deepEqual(await cornerPixel(page, 'latency-histogram'), DARK_PANEL, 'the histogram is dark');
  await page.click('[data-testid="tab-cost"]');
  await page.waitForSelector('[data-testid="cost-chart"]');
  await page.waitForTimeout(300);
  assert.deepEqual(await cornerPixel(page, 'cost-chart'), DARK_PANEL, 'the cost chart is dark');
  // Back to light: the chart draws again in the light panel.
  await page.click('[data-testid="theme-toggle"]');
  await page.waitForTimeout(300);
  assert.deepEqual(await cornerPixel(page, 'cost-chart'), [255, 255, 255], 'the cost chart follows back');
  await page.click('[data-testid="theme-toggle"]');
  // Kept in this browser: a reload opens dark.
  await page.reload();
  await page.waitForSelector('[data-testid="trace-count"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a system that asks for dark colours gets the dark theme', async () => {
  const context = await session.browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(session.server.url);
  await page.waitForSelector('[data-testid="trace-count"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await context.close();
});

test('the theme follows the system as it changes, until the toggle picks one', async () => {
  const context = await session.browser.newContext({ colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(session.server.url);
  await page.waitForSelector('[data-testid="trace-count"]');
  const theme = () => page.getAttribute('html', 'data-theme');
  assert.equal(await theme(), 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  // Once picked, the theme stays, whatever the system does.
  await page.click('[data-testid="theme-toggle"]');
  assert.equal(await theme(), 'dark');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(200);
  assert.equal(await theme(), 'dark', 'the choice outlasts a change of the system');
  await context.close();
});

test('? lists every key, / goes to the filter, Esc closes the sheet, a dialog, the detail and the trace', async () => {
  const { page, errors } = await openPage(session.browser, session.server.url);
  await openDemo(page);
  await page.keyboard.press('?');
  const sheet = await page.waitForSelector('[data-testid="shortcuts"]');
  const listed = await sheet.textContent();
  for (const key of ['?', '/', 'Esc', 'Enter']) assert.ok(listed.includes(key), `the sheet lists ${key}`);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="shortcuts"]', { state: 'detached' });

  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'filter', '/ focuses the filter');
  await page.keyboard.type('?');
  assert.equal(await page.$('[data-testid="shortcuts"]'), null, 'in the filter, ? is typed, not a shortcut');
  await page.keyboard.press('Escape');
  assert.notEqual(await page.evaluate(() => document.activeElement?.dataset.testid), 'filter', 'Esc leaves the filter');

  // The demo's one trace opens by itself; open a span. Esc closes its detail, then the trace.
  await page.click('[data-testid="tab-traces"]');
  await page.click('[data-testid="span-row"] >> nth=1');
  await page.waitForSelector('[data-testid="span-facts"]');
  // A dialog takes Esc for itself: the span stays open.
  await page.click('[data-testid="share-button"]');
  await page.waitForSelector('[data-testid="share-dialog"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="share-dialog"]', { state: 'detached' });
  assert.ok(await page.$('[data-testid="span-facts"]'), 'closing the dialog leaves the span open');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="span-facts"]', { state: 'detached' });
  assert.ok(await page.$('[data-testid="back-to-traces"]'), 'the trace is still open');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="trace-rows"]');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a drag across a trace flame graph zooms into the range dragged, Shift+drag pans', async () => {
  const { page, errors } = await openPage(session.browser, session.server.url);
  await openDemo(page);
  await page.click('[data-testid="tab-traces"]');
  await page.click('[data-testid="view-flame"]');
  const canvas = await page.waitForSelector('[data-testid="trace-flame-canvas"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="trace-flame-canvas"]')?.dataset.drawMs);
  const box = await canvas.boundingBox();
  const zoom = () => zoomIn(page);
  assert.equal(await zoom(), null, 'the whole trace at first');
  // The demo trace lasts 38 s: drag from a quarter to a half of the way across.
  const y = box.y + 9;
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, y);
  await page.mouse.move(box.x + box.width * 0.25, y);
  assert.ok(await page.$('[data-testid="drag-band"]'), 'the range shows as it is dragged');
  await page.mouse.up();
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('zoom='));
  const [from, to] = await zoom();
  const whole = 38e9;
  assert.ok(Math.abs(from - whole * 0.25) < whole * 0.02 && Math.abs(to - whole * 0.5) < whole * 0.02, `zoomed to ${from}-${to}`);
  assert.equal(await page.$('[data-testid="drag-band"]'), null, 'the band goes once dropped');
  // Shift+drag pans: the window keeps its width and moves.
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, y);
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForFunction((f) => !decodeURIComponent(location.hash).includes(`zoom=${f}-`), from);
  const [from2, to2] = await zoom();
  assert.ok(from2 < from && Math.abs((to2 - from2) - (to - from)) < 2, `panned to ${from2}-${to2}`);
  // Keys: + zooms in about the middle, → pans right, 0 shows the whole trace.
  await page.keyboard.press('+');
  await page.waitForFunction((f) => !decodeURIComponent(location.hash).includes(`zoom=${f}-`), from2);
  const [from3, to3] = await zoom();
  assert.ok(Math.abs((to3 - from3) - (to2 - from2) * 0.8) < 2, `+ narrows the window by a fifth: ${from3}-${to3}`);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((f) => !decodeURIComponent(location.hash).includes(`zoom=${f}-`), from3);
  const [from4, to4] = await zoom();
  assert.ok(from4 > from3 && Math.abs((to4 - from4) - (to3 - from3)) < 2, `→ pans right: ${from4}-${to4}`);
  await page.keyboard.press('0');
  await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('zoom='));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a browser that blocks site data still runs the page: the theme and notes last the visit', async () => {
  const context = await session.browser.newContext();
  // As with blocked cookies or a sandboxed frame: reading localStorage throws.
  await context.addInitScript(() => Object.defineProperty(window, 'localStorage', {
    get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
  }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(session.server.url);
  await page.waitForSelector('[data-testid="trace-count"]');
  await openDemo(page);
  await page.click('[data-testid="theme-toggle"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.click('[data-testid="tab-traces"]');
  await page.fill('[data-testid="note-text"]', 'kept for this visit');
  await page.click('[data-testid="note-add"]');
  await page.waitForSelector('[data-testid="note"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a drag across the waterfall zooms its bars and axis into the range, as the flame graph shows it; Whole trace and 0 reset it', async () => {
  const { page, errors } = await openPage(session.browser, session.server.url);
  await openDemo(page);
  await page.click('[data-testid="tab-traces"]');
  await page.click('[data-testid="view-waterfall"]');
  await page.waitForSelector('[data-testid="span-row"] .bar');
  const zoom = () => zoomIn(page);
  const ticks = () => page.$$eval('.wf-head .tick', (els) => els.map((e) => e.textContent));
  const bars = () => page.$$eval('[data-testid="span-row"]', (rows) => rows.map((r) => {
    const bar = r.querySelector('.bar');
    return bar ? [parseFloat(bar.style.left), parseFloat(bar.style.width.replace(/^max\(/, ''))] : null;
  }));
  assert.equal((await ticks())[0], '0 ns');
  const whole = await bars();
  assert.ok(whole.every((b) => b !== null), 'every span has a bar over the whole trace');
  assert.equal(await page.$('[data-testid="span-facts"]'), null);

  // The demo trace lasts 38 s: drag from three quarters to half of the way across the bars.
  const cell = await (await page.$('[data-testid="span-row"] .bar-cell')).boundingBox();
  const y = cell.y + cell.height / 2;
  await page.mouse.move(cell.x + cell.width * 0.75, y);
  await page.mouse.down();
  await page.mouse.move(cell.x + cell.width * 0.6, y);
  await page.mouse.move(cell.x + cell.width * 0.5, y);
  assert.ok(await page.$('[data-testid="waterfall-drag-band"]'), 'the range shows as it is dragged');
  await page.mouse.up();
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('zoom='));
  const [from, to] = await zoom();
  const total = 38e9;
  assert.ok(Math.abs(from - total * 0.5) < total * 0.02 && Math.abs(to - total * 0.75) < total * 0.02, `zoomed to ${from}-${to}`);
  assert.equal(await page.$('[data-testid="waterfall-drag-band"]'), null, 'the band goes once dropped');
  assert.equal(await page.$('[data-testid="span-facts"]'), null, 'a drag opens no span');

  // The axis starts where the window does, the root spans all of it, and spans before it
  // have no bar.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="span-row"]')].some((r) => !r.querySelector('.bar')));
  const first = (await ticks())[0];
  assert.match(first, /^1\d\.\d s$/, `the axis starts at about 19 s: ${first}`);
  const zoomed = await bars();
  assert.deepEqual(zoomed[0], [0, 100], 'the root spans the window');
  assert.ok(zoomed.some((b) => b === null), 'a span outside the window has no bar');
  assert.ok(zoomed.some((b, i) => b && whole[i] && b[1] > whole[i][1] * 2), 'the bars inside grow');
  await page.screenshot({ path: path.join(ensureOutputDir(), 'waterfall-zoomed.png') });

  // The flame graph shows the same window.
  await page.click('[data-testid="view-flame"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="trace-flame-canvas"]')?.dataset.drawMs);
  assert.deepEqual(await zoom(), [from, to]);
  await page.click('[data-testid="view-waterfall"]');

  await page.click('[data-testid="zoom-reset"]');
  await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('zoom='));
  await page.waitForFunction(() => document.querySelector('.wf-head .tick')?.textContent === '0 ns');
  assert.equal(await page.$('[data-testid="zoom-reset"]'), null, 'no reset without a zoom');

  // Zoom again, and 0 in the waterfall resets it.
  await page.mouse.move(cell.x + cell.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(cell.x + cell.width * 0.4, y);
  await page.mouse.up();
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('zoom='));
  // The drag left the keys with the waterfall.
  await page.keyboard.press('0');
  await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('zoom='));
  // A click (no drag) still opens a span.
  await page.click('[data-testid="span-row"] >> nth=1');
  await page.waitForSelector('[data-testid="span-facts"]');
  assert.deepEqual(errors, []);
  await page.close();
});
