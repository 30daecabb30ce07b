// Trace against trace in the page: tick two traces in the list and press Compare; the merged
// tree lists both sides (a retry on the candidate's side marked added), the differential flame
// graph paints in red where the candidate spent more, its tooltip gives both values, and an
// aligned LLM call shows its prompt diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pageSession, openPage, settled, ensureOutputDir } from './harness.mjs';

const session = pageSession();

const str = (key, v) => ({ key, value: { stringValue: v } });
const int = (key, v) => ({ key, value: { intValue: String(v) } });

/** One run of an agent: a model call, a search (retried when `retry`), a second call. */
function run(service, traceId, { system, slower, retry }) {
  const s = (n) => String(1e18 + n * 1e9);
  const span = (id, parent, name, from, to, attributes, status) => ({
    traceId, spanId: id, parentSpanId: parent, name, startTimeUnixNano: s(from), endTimeUnixNano: s(to),
    attributes, ...(status ? { status } : {}),
  });
  const call = (input, output) => [
    str('openinference.span.kind', 'LLM'), str('llm.model_name', 'gpt-4o-mini'),
    str('llm.input_messages.0.message.role', 'system'), str('llm.input_messages.0.message.content', system),
    str('llm.input_messages.1.message.role', 'user'), str('llm.input_messages.1.message.content', 'Find the March invoice.'),
    int('llm.token_count.prompt', input), int('llm.token_count.completion', output),
  ];
  const spans = [
    span('a000000000000001', undefined, 'agent', 0, slower ? 14 : 10, [str('openinference.span.kind', 'AGENT')]),
    span('a000000000000002', 'a000000000000001', 'plan', 1, 4, call(1200, 80)),
    span('a000000000000003', 'a000000000000001', 'search', 4, 5, [str('openinference.span.kind', 'TOOL')],
      retry ? { code: 2, message: 'timeout' } : undefined),
  ];
  if (retry) spans.push(span('a000000000000005', 'a000000000000001', 'search', 5, 7, [str('openinference.span.kind', 'TOOL')]));
  spans.push(span('a000000000000004', 'a000000000000001', 'answer', 7, slower ? 13 : 9, call(slower ? 5000 : 2000, 300)));
  return { resourceSpans: [{ resource: { attributes: [str('service.name', service)] }, scopeSpans: [{ spans }] }] };
}

async function inkedPixels(page, testid, red = false) {
  return page.$eval(`[data-testid="${testid}"]`, (canvas, onlyRed) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a === 0 || (r > 245 && g > 245 && b > 245)) continue;
      if (!onlyRed || (r > g + 40 && r > b + 40)) inked += 1;
    }
    return inked;
  }, red);
}

test('two ticked traces compare: merged tree, differential flame graph and prompt diff', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-compare-'));
  const a = path.join(dir, 'run-a.json');
  const b = path.join(dir, 'run-b.json');
  fs.writeFileSync(a, JSON.stringify(run('run-a', '5b8efff798038103d269b633813fc60c', { system: 'Be brief.' })));
  fs.writeFileSync(b, JSON.stringify(run('run-b', '0af7651916cd43dd8448eb211c80319c', {
    system: 'Be brief and cite the invoice number.', slower: true, retry: true,
  })));
  const { page, errors, requests } = await openPage(session.browser, session.server.url);
  await page.setInputFiles('[data-testid="file-input"]', [a, b]);
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  // The first ticked is the baseline.
  await page.locator('[data-testid="trace-row"]', { hasText: 'run-a' }).locator('[data-testid="trace-pick"]').click();
  await page.locator('[data-testid="trace-row"]', { hasText: 'run-b' }).locator('[data-testid="trace-pick"]').click();
  assert.equal(await page.textContent('[data-testid="trace-count"]'), '2', 'ticking opened no trace');
  await page.click('[data-testid="compare-traces"]');
  await page.waitForSelector('[data-testid="tab-compare"].active');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="compare-row"]').length === 5);
  const rows = await page.$$eval('[data-testid="compare-row"]', (els) => els.map((e) => e.textContent));
  assert.match(rows[0], /^agent.*10\.0 s → 14\.0 s.*\+40%/);
  assert.match(rows[4], /^search\s*added.*— → 2\.00 s/);

  await page.waitForFunction(() => document.querySelector('[data-testid="diff-flame-canvas"]')?.dataset.drawMs);
  assert.ok(await inkedPixels(page, 'diff-flame-canvas') > 1000, 'the differential flame graph is drawn');
  assert.ok(await inkedPixels(page, 'diff-flame-canvas', true) > 500, 'in red where the candidate spent more');
  const canvas = await page.$('[data-testid="diff-flame-canvas"]');
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 20, box.y + 18 + 9);
  const tip = await page.textContent('[data-testid="diff-flame-tooltip"]');
  assert.match(tip, /agent.*baseline 10\.0 s → candidate 14\.0 s.*\+40\.0%/s);

  await page.click('[data-testid="compare-row"] >> text=plan');
  await page.waitForSelector('[data-testid="prompt-diff"]');
  assert.match(await page.textContent('[data-testid="prompt-diff-figures"]'), /^Tokens 1,280 → 1,280 \(\+0%\) · cost \$/);
  const removed = await page.$$eval('[data-testid="prompt-diff"] .removed', (els) => els.map((e) => e.textContent));
  const added = await page.$$eval('[data-testid="prompt-diff"] .added', (els) => els.map((e) => e.textContent));
  assert.deepEqual(removed, ['- Be brief.']);
  assert.deepEqual(added, ['+ Be brief and cite the invoice number.']);
  const out = ensureOutputDir();
  await page.screenshot({ path: path.join(out, 'compare-traces.png'), fullPage: true });
  assert.deepEqual(errors, []);
  for (const r of requests) assert.equal(new URL(r.url).origin, new URL(session.server.url).origin, r.url);
  await page.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A run of `n` agent traces; the candidate's search is `slower` times as slow. */
function runs(service, n, { slower = 1, tokens = 1000 } = {}) {
  const spans = [];
  for (let k = 0; k < n; k += 1) {
    const traceId = `${service === 'main' ? 'a' : 'b'}${String(k).padStart(31, '0')}`;
    const at = (ms) => String(1e18 + k * 1e11 + Math.round(ms * 1e6));
    const jitter = (k * 37) % 100;
    const search = (400 + jitter) * slower;
    const span = (id, parent, name, from, to, attributes) => ({
      traceId, spanId: `${k.toString(16).padStart(8, '0')}0000000${id}`,
      parentSpanId: parent ? `${k.toString(16).padStart(8, '0')}0000000${parent}` : undefined,
      name, startTimeUnixNano: at(from), endTimeUnixNano: at(to), attributes,
    });
    spans.push(
      span(1, 0, 'agent', 0, 300 + search + 10, [str('openinference.span.kind', 'AGENT')]),
      span(2, 1, 'plan', 0, 300, [str('openinference.span.kind', 'LLM'), str('llm.model_name', 'gpt-4o-mini'),
        int('llm.token_count.prompt', tokens), int('llm.token_count.completion', 100)]),
      span(3, 1, 'search', 300, 300 + search, [str('openinference.span.kind', 'TOOL')]),
    );
  }
  return { resourceSpans: [{ resource: { attributes: [str('service.name', service)] }, scopeSpans: [{ spans }] }] };
}

test('two files compare as sets: totals side by side, groups with a verdict, an overlaid histogram, and the fragment brings it back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-compare-sets-'));
  const a = path.join(dir, 'run-main.json');
  const b = path.join(dir, 'run-pr 7.json');
  fs.writeFileSync(a, JSON.stringify(runs('main', 40)));
  fs.writeFileSync(b, JSON.stringify(runs('pr', 30, { slower: 1.5, tokens: 2000 })));
  const { page, errors, requests } = await openPage(session.browser, session.server.url);
  await page.setInputFiles('[data-testid="file-input"]', [a, b]);
  await page.waitForSelector('[data-testid="trace-row"]');
  await settled(page);
  await page.locator('[data-testid="file-ok"]', { hasText: 'run-main.json' }).locator('[data-testid="file-baseline"]').click();
  await page.locator('[data-testid="file-ok"]', { hasText: 'run-pr 7.json' }).locator('[data-testid="file-candidate"]').click();
  await page.waitForSelector('[data-testid="tab-compare"].active');
  await page.waitForSelector('[data-testid="compare-totals"]');

  const totals = async () => Object.fromEntries(await page.$$eval('[data-testid="compare-totals"] tbody tr',
    (rows) => rows.map((r) => [r.cells[0].textContent, [...r.cells].slice(1).map((c) => c.textContent)])));
  const t = await totals();
  assert.deepEqual(t['Traces'], ['40', '30', '-25%']);
  assert.deepEqual(t['LLM calls'], ['40', '30', '-25%']);
  assert.deepEqual(t['Tokens'], ['44,000', '63,000', '+43%']);
  assert.deepEqual(t['Tokens per trace'], ['1,100', '2,100', '+91%']);
  assert.match(await page.textContent('[data-testid="compare-verdict"]'), /likely real \(p < 0\.001\)/);
  const search = page.locator('[data-testid="compare-group"]', { hasText: /^name\s*search/ });
  assert.match(await search.textContent(), /40 → 30\s*likely real/);
  const plan = page.locator('[data-testid="compare-group"]', { hasText: /^name\s*plan/ });
  assert.match(await plan.locator('.verdict').textContent(), /^(may be noise|—)/, 'the unchanged call is not called real');
  assert.match(await search.locator('.verdict').textContent(), /^likely real/);
  await search.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="diff-histogram"]')?.dataset.spans === '70');
  const inked = async () => page.$eval('[data-testid="diff-histogram"]', (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let blue = 0; let orange = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, bl, al] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (al < 40) continue;
      if (bl > r + 60) blue += 1;
      if (r > bl + 60 && r > g) orange += 1;
    }
    return { blue, orange };
  });
  const ink = await inked();
  assert.ok(ink.blue > 200 && ink.orange > 200, `both sides are drawn: ${JSON.stringify(ink)}`);
  const out = ensureOutputDir();
  await page.screenshot({ path: path.join(out, 'compare-sets.png'), fullPage: true });

  // The fragment names the two sides; after a reload and the same files, the comparison is back.
  const url = page.url();
  assert.match(url, /compare=sets&base=file%3A%22run-main\.json%22&cand=file%3A%22run-pr%207\.json%22/);
  await page.reload();
  await page.waitForSelector('[data-testid="file-input"]', { state: 'attached' });
  await page.setInputFiles('[data-testid="file-input"]', [a, b]);
  await page.waitForSelector('[data-testid="tab-compare"].active');
  assert.equal(await page.inputValue('[data-testid="compare-candidate"]'), 'file:"run-pr 7.json"');
  await page.waitForSelector('[data-testid="compare-totals"]');
  assert.deepEqual((await totals())['Traces'], ['40', '30', '-25%']);

  // A comparison of two traces comes back the same way, by the traces' ids.
  await page.click('[data-testid="tab-traces"]');
  await page.locator('[data-testid="trace-row"]', { hasText: 'agent' }).first().locator('[data-testid="trace-pick"]').click();
  await page.locator('[data-testid="trace-row"]', { hasText: 'agent' }).last().locator('[data-testid="trace-pick"]').click();
  await page.click('[data-testid="compare-traces"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="compare-row"]').length === 3);
  assert.match(page.url(), /compare=traces&base=[0-9a-f]{32}&cand=[0-9a-f]{32}/);
  await page.reload();
  await page.waitForSelector('[data-testid="file-input"]', { state: 'attached' });
  await page.setInputFiles('[data-testid="file-input"]', [a, b]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="compare-row"]').length === 3);
  // A click on the tree opens the span on both sides.
  await page.click('[data-testid="compare-row"] >> text=search');
  await page.waitForSelector('[data-testid="compare-detail-baseline"] .detail-title');
  assert.equal(await page.textContent('[data-testid="compare-detail-baseline"] .detail-title'), 'search');
  assert.equal(await page.textContent('[data-testid="compare-detail-candidate"] .detail-title'), 'search');

  // A bundle carries the comparison: a fresh page that opens it compares the same two traces.
  await page.click('[data-testid="share-button"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-preview"]')?.textContent.includes('Removes'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="share-export"]')]);
  const bundle = path.join(dir, 'runs.loupe.json.gz');
  await download.saveAs(bundle);
  assert.deepEqual(errors, []);
  for (const r of requests) assert.equal(new URL(r.url).origin, new URL(session.server.url).origin, r.url);
  await page.close();
  const fresh = await openPage(session.browser, session.server.url);
  await fresh.page.setInputFiles('[data-testid="file-input"]', [bundle]);
  await fresh.page.waitForSelector('[data-testid="tab-compare"].active');
  await fresh.page.waitForFunction(() => document.querySelectorAll('[data-testid="compare-row"]').length === 3);
  assert.deepEqual(fresh.errors, []);
  await fresh.page.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
