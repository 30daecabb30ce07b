"""Writes a Jaeger or Zipkin file of many traces: the traces of the shared fixtures of that
format, copied under new trace ids until the file holds a given number of bytes. The Jaeger file
is the query API's envelope `{"data": [trace…]}`; the Zipkin file a list of traces
`[[span…], …]`, as `/api/v2/traces` returns. Used by the streaming tests and benchmark.

    python3 scripts/fixture_copies.py jaeger|zipkin OUT BYTES

prints how many copies of the fixtures' traces it wrote."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("LOUPE_FIXTURES", ROOT.parent / "shared" / "fixtures"))


def jaeger_traces():
    """Each trace of the Jaeger fixtures (in an envelope or alone), with its trace ids."""
    traces = []
    for path in sorted((FIXTURES / "jaeger").iterdir()):
        doc = json.loads(path.read_text())
        if not isinstance(doc, dict):
            continue
        for trace in doc.get("data", [doc] if "traceID" in doc else []):
            traces.append((json.dumps(trace), [trace["traceID"]]))
    return traces


def zipkin_traces():
    """Each Zipkin fixture, one trace, as an array of spans, with its trace ids."""
    traces = []
    for path in sorted((FIXTURES / "zipkin").iterdir()):
        doc = json.loads(path.read_text())
        spans = doc if isinstance(doc, list) else [doc]
        traces.append((json.dumps(spans), sorted({s["traceId"] for s in spans})))
    return traces


SHAPES = {
    "jaeger": (jaeger_traces, '{"data": [\n', "\n]}"),
    "zipkin": (zipkin_traces, "[\n", "\n]"),
}


def write(shape, out, copies):
    """Writes `copies` copies of the fixtures' traces of `shape` to `out`."""
    traces, head, tail = SHAPES[shape]
    traces = traces()
    with Path(out).open("w") as f:
        f.write(head)
        for i in range(copies):
            for n, (text, ids) in enumerate(traces):
                for trace_id in ids:
                    text = text.replace(f'"{trace_id}"', f'"{trace_id}{i:06x}"')
                f.write(("" if i == 0 and n == 0 else ",\n") + text)
        f.write(tail)


def write_to_size(shape, out, size):
    """Writes as many copies as reach `size` bytes; how many."""
    write(shape, out, 1)
    copies = size // Path(out).stat().st_size + 1
    write(shape, out, copies)
    return copies


if __name__ == "__main__":
    print(write_to_size(sys.argv[1], sys.argv[2], int(float(sys.argv[3]))))
