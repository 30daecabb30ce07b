// Loupe and speedscope side by side on the same spans, in alternating fresh browsers: the time
// from handing the file to the page (its input's change event) until its first view shows and
// two more frames are drawn, timed inside the page so that the test driver's polling is not
// counted for either viewer; the longest main-thread frame
// meanwhile, and the renderer's added peak memory (VmHWM of the renderer processes, which hold
// the page and its workers, less the same page's idle peak), as a multiple of the file's size.
import fs from 'node:fs';
import path from 'node:path';
import { launch, repo } from '../../tests/e2e/harness.mjs';

export const speedscopeDir = path.join(repo, 'node_modules/speedscope/dist/release');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Pids of the Chromium renderer processes running now. */
function renderers() {
  const pids = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) pids.push(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The largest VmHWM, in bytes, over the renderers not in `before`. */
function peakOfNew(before) {
  let peak = 0;
  for (const pid of renderers().filter((p) => !before.includes(p))) {
    try {
      const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // Gone.
    }
  }
  return peak;
}

/** Starts recording the longest gap between animation frames in `window.longestFrame`. */
export const tickFrames = () => {
  window.longestFrame = 0;
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    window.longestFrame = Math.max(window.longestFrame, now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};
/**
 * In the page: times from the next file input change until viewer `name`'s first view shows
 * (checked every frame) and two more frames are drawn, in `window.shownAfter` (a promise of
 * milliseconds). Written out here: the page's policy allows no code made from text.
 */
export const watchShown = (name) => {
  const isShown = {
    loupe: () => !!document.querySelector('[data-testid="load-time"]') && !document.querySelector('[data-testid="progress"]'),
    // Its canvas exists from the start; the title names the file once the profile shows.
    speedscope: () => document.title.endsWith(' - speedscope'),
  }[name];
  window.shownAfter = new Promise((resolve) => {
    let handed = null;
    document.addEventListener('change', () => { handed ??= performance.now(); }, true);
    const check = () => {
      if (handed !== null && isShown()) {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - handed)));
      } else {
        requestAnimationFrame(check);
      }
    };
    requestAnimationFrame(check);
  });
};
export const twoFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

/** How each viewer is opened, given a file, and how its first view is recognised. */
export const viewers = {
  loupe: {
    input: '[data-testid="file-input"]',
    ready: '[data-testid="trace-count"]',
    name: 'loupe',
    shown: async (page) => {
      await page.waitForSelector('[data-testid="load-time"]', { timeout: 600000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 600000 });
    },
  },
  speedscope: {
    input: '#file',
    ready: '#file',
    // Its canvas exists from the start; the title names the file once the profile shows.
    name: 'speedscope',
    shown: async (page) => {
      await page.waitForFunction(() => document.title.endsWith(' - speedscope'), null, { timeout: 600000 });
    },
  },
};

/**
 * One load of `file` into `viewer` served at `url`, in a fresh browser; `then(page)`, if
 * given, runs on the loaded page before the browser closes and its answer is returned too.
 */
export async function measureOnce(viewer, url, file, then) {
  const before = renderers();
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector(viewer.ready, { state: 'attached' });
  // A second to settle, as a person takes to pick a file: both pages finish starting up.
  await page.waitForTimeout(1000);
  await page.evaluate(twoFrames);
  const idle = peakOfNew(before);
  await page.evaluate(tickFrames);
  await page.evaluate(watchShown, viewer.name);
  await page.setInputFiles(viewer.input, file);
  await viewer.shown(page);
  const ms = Math.round(await page.evaluate(() => window.shownAfter));
  const frame = await page.evaluate(() => window.longestFrame);
  const peak = peakOfNew(before);
  const after = then ? await then(page) : undefined;
  await browser.close();
  if (errors.length) throw new Error(`${url}: ${errors.join('; ')}`);
  return { ms, frame, added: peak - idle, idle, after };
}

/** Runs each `[label, viewer, url, file]` `runs` times, alternating, and returns medians. */
export async function sideBySide(entries, runs) {
  const results = new Map(entries.map(([label]) => [label, []]));
  for (let r = 0; r < runs; r++) {
    // Rotate the order so that no viewer always runs first in a round.
    const order = entries.map((_, i) => entries[(i + r) % entries.length]);
    for (const [label, viewer, url, file] of order) {
      results.get(label).push(await measureOnce(viewer, url, file));
    }
  }
  return entries.map(([label, , , file]) => {
    const xs = results.get(label);
    const size = fs.statSync(file).size;
    return {
      label,
      size,
      ms: median(xs.map((x) => x.ms)),
      frame: median(xs.map((x) => x.frame)),
      added: median(xs.map((x) => x.added)),
      idle: median(xs.map((x) => x.idle)),
      all: xs.map((x) => x.ms),
    };
  });
}
