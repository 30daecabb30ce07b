// Streaming at scale, natively: `loupe summary` over a 2 GB OTLP/JSON Lines file and over a
// 1 GB OTLP/JSON document (both from `loupe gen`), with the wall time, the throughput and the
// peak resident memory the kernel measured (which must stay under 300 MB); beside them, the
// peer: a Python script that only parses each line with the standard `json` module and counts
// the spans. Then a Jaeger envelope and a Zipkin list of traces of 1 GB each, the fixtures'
// traces copied under new trace ids (`scripts/fixture_copies.py`), read trace by trace.
// Run by `make bench`, or alone: `node scripts/bench/stream.mjs`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BOUND_MB = 300;

/** Runs `argv` and gives its wall time in seconds and its peak resident memory in MB. */
function measured(argv) {
  const python = `
import os, subprocess, sys, time
t0 = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(f"{sys.argv[1:]} failed")
print(time.monotonic() - t0, usage.ru_maxrss)
`;
  const [s, kb] = execFileSync('python3', ['-c', python, ...argv], { encoding: 'utf8' }).trim().split(' ');
  return { s: Number(s), mb: Number(kb) / 1024 };
}

const COUNT_SPANS = `
import json, sys
spans = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        for r in json.loads(line)["resourceSpans"]:
            for s in r["scopeSpans"]:
                spans += len(s["spans"])
print(spans)
`;

/** The streaming table, for files generated in `dir` and deleted after. */
export function streamBench(loupe, dir) {
  const lines = path.join(dir, 'stream-2gb.jsonl');
  const doc = path.join(dir, 'stream-1gb.json');
  execFileSync(loupe, ['gen', '--lines', '--spans', '3100000', '--traces', '124000', '--out', lines], { stdio: 'ignore' });
  execFileSync(loupe, ['gen', '--spans', '1500000', '--traces', '60000', '--out', doc], { stdio: 'ignore' });
  const rows = [
    ['loupe summary, OTLP/JSON Lines', lines, [loupe, 'summary', lines]],
    ['Python json.loads per line, counting spans (peer)', lines, ['python3', '-c', COUNT_SPANS, lines]],
    ['loupe summary, one OTLP/JSON document', doc, [loupe, 'summary', doc]],
  ].map(([label, file, argv]) => ({ label, size: fs.statSync(file).size, ...measured(argv) }));
  fs.rmSync(lines, { force: true });
  fs.rmSync(doc, { force: true });
  const copies = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixture_copies.py');
  for (const [shape, label] of [['jaeger', 'a Jaeger envelope'], ['zipkin', 'a Zipkin list of traces']]) {
    const file = path.join(dir, `stream-${shape}.json`);
    execFileSync('python3', [copies, shape, file, '1e9'], { stdio: 'ignore' });
    rows.push({ label: `loupe summary, ${label}`, size: fs.statSync(file).size, ...measured([loupe, 'summary', file]) });
    fs.rmSync(file, { force: true });
  }
  console.log('| streamed | file size | wall time | throughput | peak resident memory | vs the peer |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const peer = rows[1];
  for (const r of rows) {
    const ratio = r.size === peer.size ? (r.s / peer.s).toFixed(2) : '';
    console.log(`| ${r.label} | ${(r.size / 1e9).toFixed(2)} GB | ${r.s.toFixed(1)} s | ${(r.size / 1e6 / r.s).toFixed(0)} MB/s | ${r.mb.toFixed(0)} MB | ${ratio} |`);
  }
  const over = rows.filter((r) => r.label.startsWith('loupe') && r.mb >= BOUND_MB);
  if (over.length > 0) throw new Error(`streaming went over ${BOUND_MB} MB: ${over.map((r) => r.label).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-stream-'));
  try {
    streamBench(path.join(repo, 'target/release/loupe'), dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
