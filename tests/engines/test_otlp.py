"""`loupe convert --to otlp-json|otlp-jsonl` of every shared fixture, read by the official
opentelemetry-proto package: each document parses as an ExportTraceServiceRequest (unknown
fields refused), its ids are 16 and 8 bytes, and it holds the spans `loupe summary --json`
counts for the same input."""

import base64
import json
import subprocess
import tempfile
import unittest
from pathlib import Path

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

ROOT = Path(__file__).resolve().parents[2]
LOUPE = ROOT / "target" / "release" / "loupe"
FIXTURES = ROOT.parent / "shared" / "fixtures"


def loupe(*args):
    return subprocess.run([str(LOUPE), *map(str, args)], capture_output=True, text=True, check=False)


def fixtures():
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def summary(path):
    out = loupe("summary", "--json", path)
    return json.loads(out.stdout)["totals"]


def with_base64_ids(doc):
    """The proto3 JSON mapping writes bytes in base64; OTLP/JSON writes ids in hex."""
    def b64(hex_id):
        return base64.b64encode(bytes.fromhex(hex_id)).decode()
    for rs in doc.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = b64(span[key])
                for link in span.get("links", []):
                    for key in ("traceId", "spanId"):
                        if key in link:
                            link[key] = b64(link[key])
    return doc


def parsed(text):
    # As written (hex ids read as base64 by a generic proto3 reader: it must still parse)...
    json_format.Parse(text, ExportTraceServiceRequest(), ignore_unknown_fields=False)
    # ...and with its ids in the proto3 mapping, to check their widths.
    request = ExportTraceServiceRequest()
    json_format.Parse(json.dumps(with_base64_ids(json.loads(text))), request, ignore_unknown_fields=False)
    return request


def spans_of(request):
    return [s for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]


class OtlpOutput(unittest.TestCase):
    def test_every_fixture_converts_to_valid_otlp_json(self):
        checked = 0
        with tempfile.TemporaryDirectory() as tmp:
            for fixture in fixtures():
                want = summary(fixture)
                if want["spans"] == 0:
                    continue
                out = Path(tmp) / "out.json"
                run = loupe("convert", "--to", "otlp-json", "--out", out, fixture)
                self.assertEqual(run.returncode, 0, f"{fixture.name}: {run.stderr}")
                spans = spans_of(parsed(out.read_text()))
                self.assertEqual(len(spans), want["spans"], fixture.name)
                for s in spans:
                    self.assertEqual(len(s.trace_id), 16, fixture.name)
                    self.assertEqual(len(s.span_id), 8, fixture.name)
                    self.assertIn(len(s.parent_span_id), (0, 8), fixture.name)
                    self.assertIn(s.kind, range(6), fixture.name)
                    self.assertIn(s.status.code, range(3), fixture.name)
                errors = sum(1 for s in spans if s.status.code == 2)
                self.assertEqual(errors, want["errors"], fixture.name)
                # The converted file summarizes as its input does.
                again = summary(out)
                for key in ("traces", "spans", "errors", "llm_calls", "input_tokens", "output_tokens"):
                    self.assertEqual(again[key], want[key], f"{fixture.name}: {key}")
                checked += 1
        self.assertGreaterEqual(checked, 50)

    def test_json_lines_hold_one_request_per_trace(self):
        fixture = FIXTURES / "langfuse" / "langfuse-ui-export-beeai-2025-08-01.json"
        others = FIXTURES / "otlp-json" / "jaeger-ui-otlp-4-resourcespans.json"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.jsonl"
            run = loupe("convert", "--to", "otlp-jsonl", "--out", out, fixture, others)
            self.assertEqual(run.returncode, 0, run.stderr)
            lines = out.read_text().splitlines()
            want = summary(out)
            self.assertEqual(len(lines), want["traces"])
            total = 0
            for line in lines:
                spans = spans_of(parsed(line))
                self.assertEqual(len({s.trace_id for s in spans}), 1)
                total += len(spans)
            self.assertEqual(total, want["spans"])
            genai = {kv.key for line in lines for s in spans_of(parsed(line)) for kv in s.attributes}
            self.assertIn("gen_ai.usage.input_tokens", genai, "the LLM facts are written as gen_ai.*")


if __name__ == "__main__":
    unittest.main()
