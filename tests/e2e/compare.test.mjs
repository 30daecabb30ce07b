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
