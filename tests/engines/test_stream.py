"""Streaming at scale, with the release binary: `loupe summary` over a 2 GB JSON Lines file gives
the totals of its parts, and over a 1 GB OTLP/JSON document the totals of the same traces
written as JSON Lines; Jaeger and Zipkin files of many traces (the fixtures' traces, copied
under new trace ids to 400 MB by `scripts/fixture_copies.py`) give their copies' totals. Each run stays under 300 MB of
resident memory, as the kernel measured it. The files are generated in a temporary directory
(by `loupe gen`, or from the fixtures) and deleted after."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import fixture_copies  # noqa: E402  (a script beside the benchmark that uses it too)
LOUPE = ROOT / "target" / "release" / "loupe"

BOUND_KB = 300 * 1024
EXACT = ("traces", "spans", "errors", "llm_calls", "embedding_calls", "input_tokens",
         "output_tokens")


def loupe(*args):
    run = subprocess.run([str(LOUPE), *map(str, args)], capture_output=True, text=True,
                         check=False)
    if run.returncode != 0:
        raise AssertionError(f"loupe {' '.join(map(str, args))}: {run.stderr}")
    return run.stdout


def summary(*paths):
    """`loupe summary --json` of `paths`, and the run's peak resident memory in KB."""
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen([str(LOUPE), "summary", "--json", *map(str, paths)],
                                 stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise AssertionError(f"summary of {paths} exited {child.returncode}")
        out.seek(0)
        return json.load(out), usage.ru_maxrss


class Streaming(unittest.TestCase):
    def assert_same_totals(self, got, want):
        for key in EXACT:
            self.assertEqual(got[key], want[key], key)
        self.assertAlmostEqual(got["cost_usd"], want["cost_usd"], delta=1e-6 * want["cost_usd"])

    def test_a_2_gb_json_lines_file_gives_the_totals_of_its_parts(self):
        with tempfile.TemporaryDirectory() as tmp:
            parts = []
            for seed in range(1, 6):
                part = Path(tmp) / f"part{seed}.jsonl"
                loupe("gen", "--lines", "--spans", 620_000, "--traces", 24_800,
                      "--seed", seed, "--out", part)
                parts.append(part)
            of_parts, rss = summary(*parts)
            self.assertLess(rss, BOUND_KB)
            whole = Path(tmp) / "whole.jsonl"
            with whole.open("wb") as out:
                for part in parts:
                    with part.open("rb") as src:
                        shutil.copyfileobj(src, out, 16 << 20)
                    part.unlink()
            self.assertGreaterEqual(whole.stat().st_size, 2_000_000_000)
            of_whole, rss = summary(whole)
            self.assertLess(rss, BOUND_KB, "peak resident memory over 2 GB, in KB")
            self.assertEqual(of_whole["totals"]["spans"], 3_100_000)
            self.assert_same_totals(of_whole["totals"], of_parts["totals"])
            self.assertEqual(of_whole["files"][0]["warnings"], [])

    def test_a_1_gb_otlp_json_document_streams_with_the_same_bound(self):
        with tempfile.TemporaryDirectory() as tmp:
            options = ["--spans", 1_500_000, "--traces", 60_000, "--seed", 9]
            document = Path(tmp) / "big.json"
            loupe("gen", *options, "--out", document)
            self.assertGreaterEqual(document.stat().st_size, 950_000_000)
            of_document, rss = summary(document)
            self.assertLess(rss, BOUND_KB, "peak resident memory over 1 GB, in KB")
            document.unlink()
            lines = Path(tmp) / "big.jsonl"
            loupe("gen", "--lines", *options, "--out", lines)
            of_lines, _ = summary(lines)
            self.assertEqual(of_document["totals"]["spans"], 1_500_000)
            self.assert_same_totals(of_document["totals"], of_lines["totals"])
            self.assertEqual(of_document["files"][0]["format"], "otlp-json")

    def assert_copies_stream(self, shape):
        """The fixtures' traces of `shape` written once, and copied under new trace ids to
        400 MB: the copies' summary is theirs times the copies."""
        with tempfile.TemporaryDirectory() as tmp:
            one = Path(tmp) / f"one-{shape}.json"
            fixture_copies.write(shape, one, 1)
            of_one, _ = summary(one)
            many = Path(tmp) / f"{shape}.json"
            copies = fixture_copies.write_to_size(shape, many, 400_000_000)
            of_many, rss = summary(many)
            self.assertLess(rss, BOUND_KB, f"peak resident memory over {shape}, in KB")
            for key in ("traces", "spans", "errors"):
                self.assertEqual(of_many["totals"][key], copies * of_one["totals"][key], key)
            self.assertEqual(of_many["files"][0]["format"], shape)

    def test_a_jaeger_envelope_of_many_traces_streams_trace_by_trace(self):
        self.assert_copies_stream("jaeger")

    def test_a_zipkin_list_of_traces_streams_trace_by_trace(self):
        self.assert_copies_stream("zipkin")

if __name__ == "__main__":
    unittest.main()
