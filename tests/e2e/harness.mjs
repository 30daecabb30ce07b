// Shared pieces of the end-to-end tests: a static server for the built page (optionally under a
// sub-path), Debian's Chromium through playwright-core, and a recorder of every request.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const dist = path.join(repo, 'dist');
export const fixtures = process.env.LOUPE_FIXTURES ?? path.resolve(repo, '../shared/fixtures');
export const outputDir = path.join(repo, 'tests/e2e/output');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves `root` (the built page) on a free loopback port under `base` ("/" or "/loupe/");
 * `seen(path, headers)` is told of every request.
 */
export async function serve(base = '/', root = dist, seen = () => {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    seen(url.pathname, req.headers);
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404).end('not found');
      return;
    }
    let rel = url.pathname.slice(base.length) || 'index.html';
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  // Closing drops kept-alive connections too, so a closed server is really gone.
  const close = () => new Promise((r) => { server.close(r); server.closeAllConnections(); });
  return { url: `http://127.0.0.1:${port}${base}`, close };
}

const chromiumFlags = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

/** Launches Debian's Chromium (never a downloaded browser). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumFlags,
  });
}

/**
 * Opens the page in a fresh browser context and waits for the app to mount; records console
 * errors and every request of the context (the page, its workers and its service worker).
 */
export async function openPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.context().on('request', (r) => requests.push({ method: r.method(), url: r.url(), postData: r.postData() }));
  await page.goto(url);
  await page.waitForSelector('[data-testid="trace-count"]');
  return { page, errors, requests };
}

/** Drops files onto the window as a user's drag and drop does. */
export async function dropFiles(page, files) {
  const payload = files.map((f) => ({
    name: path.basename(f),
    data: fs.readFileSync(f).toString('base64'),
  }));
  await page.evaluate(async (items) => {
    const dt = new DataTransfer();
    for (const { name, data } of items) {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], name));
    }
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
}

/** The number shown in a figure. */
export async function figure(page, testid) {
  const text = await page.textContent(`[data-testid="${testid}"]`);
  return text.trim();
}

/** Waits until loading is over. */
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'));
}

export function fixture(rel) {
  return path.join(fixtures, rel);
}

export function ensureOutputDir() {
  fs.mkdirSync(outputDir, { recursive: true });
  return outputDir;
}

/**
 * Serves the built page and launches Chromium before a test file's tests, and stops both after
 * them: `{ server, browser }`, filled in once the tests start.
 */
export function pageSession() {
  const session = {};
  before(async () => {
    session.server = await serve('/');
    session.browser = await launch();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}

