// Writes the spans of an OTLP/JSON file (as `loupe gen` writes them) as a Chrome Trace Event
// array: one complete (`X`) event per span, times in microseconds, the span's attributes as
// `args`, one thread per trace in one process. The benchmark hands the same bytes to Loupe and
// to speedscope.
import fs from 'node:fs';

const value = (v) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.doubleValue ?? v.boolValue ?? null);
const micros = (nanos) => Number(nanos / 1000n) + Number(nanos % 1000n) / 1000;

/** Converts `input` (OTLP/JSON) to `output` (Trace Event array); returns the event count. */
export function toChromeTrace(input, output) {
  const request = JSON.parse(fs.readFileSync(input, 'utf8'));
  const threads = new Map();
  const out = fs.openSync(output, 'w');
  let count = 0;
  let chunk = [];
  const flush = () => {
    fs.writeSync(out, chunk.join(''));
    chunk = [];
  };
  fs.writeSync(out, '[');
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        if (!threads.has(span.traceId)) threads.set(span.traceId, threads.size + 1);
        const args = {};
        for (const kv of span.attributes ?? []) args[kv.key] = value(kv.value);
        const start = BigInt(span.startTimeUnixNano);
        const event = {
          name: span.name, cat: 'span', ph: 'X', pid: 1, tid: threads.get(span.traceId),
          ts: micros(start), dur: micros(BigInt(span.endTimeUnixNano) - start), args,
        };
        chunk.push((count++ ? ',\n' : '\n') + JSON.stringify(event));
        if (chunk.length >= 10000) flush();
      }
    }
  }
  chunk.push('\n]\n');
  flush();
  fs.closeSync(out);
  return count;
}
