"""`loupe convert --to parquet` of every shared fixture, queried by DuckDB: its span count,
distinct traces, errors, LLM and embedding calls, token sums and cost equal what
`loupe summary --json` says of the same input; the columns have the documented types."""

import json
import math
import subprocess
import tempfile
import unittest
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
LOUPE = ROOT / "target" / "release" / "loupe"
FIXTURES = ROOT.parent / "shared" / "fixtures"

FIGURES = """
SELECT count(*) AS spans,
       count(DISTINCT trace_id) AS traces,
       count(*) FILTER (status = 'error') AS errors,
       count(*) FILTER (kind = 'llm') AS llm_calls,
       count(*) FILTER (kind = 'embedding') AS embedding_calls,
       coalesce(sum(input_tokens) FILTER (counts_usage), 0) AS input_tokens,
       coalesce(sum(output_tokens) FILTER (counts_usage), 0) AS output_tokens,
       sum(cost_usd) AS cost_usd
FROM read_parquet(?)
"""


def loupe(*args):
    return subprocess.run([str(LOUPE), *map(str, args)], capture_output=True, text=True, check=False)


def fixtures():
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def figures(con, path):
    cur = con.execute(FIGURES, [str(path)])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone()))


class ParquetOutput(unittest.TestCase):
    def test_duckdb_counts_what_loupe_summary_counts_for_every_fixture(self):
        con = duckdb.connect()
        checked = 0
        with tempfile.TemporaryDirectory() as tmp:
            for fixture in fixtures():
                want = json.loads(loupe("summary", "--json", fixture).stdout)["totals"]
                if want["spans"] == 0:
                    continue
                out = Path(tmp) / "spans.parquet"
                run = loupe("convert", "--to", "parquet", "--out", out, fixture)
                self.assertEqual(run.returncode, 0, f"{fixture.name}: {run.stderr}")
                got = figures(con, out)
                for key in ("spans", "traces", "errors", "llm_calls", "embedding_calls",
                            "input_tokens", "output_tokens"):
                    self.assertEqual(got[key], want[key], f"{fixture.name}: {key}")
                if want["cost_usd"] is None:
                    self.assertIsNone(got["cost_usd"], fixture.name)
                else:
                    self.assertTrue(math.isclose(got["cost_usd"], want["cost_usd"], rel_tol=1e-9),
                                    f"{fixture.name}: {got['cost_usd']} vs {want['cost_usd']}")
                checked += 1
        self.assertGreaterEqual(checked, 50)

    def test_the_schema_and_a_query_by_model(self):
        con = duckdb.connect()
        inputs = sorted((FIXTURES / "langfuse").glob("*.json"))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "spans.parquet"
            run = loupe("convert", "--to", "parquet", "--out", out, *inputs)
            self.assertEqual(run.returncode, 0, run.stderr)
            types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                     [str(out)]).fetchall())
            self.assertIn(types["start_time"], ("TIMESTAMP_NS WITH TIME ZONE", "TIMESTAMPTZ_NS", "TIMESTAMP WITH TIME ZONE"))
            self.assertEqual(types["duration_ns"], "BIGINT")
            self.assertEqual(types["tags"], "VARCHAR[]")
            self.assertEqual(types["attributes"], "MAP(VARCHAR, VARCHAR)")
            self.assertEqual(types["counts_usage"], "BOOLEAN")
            # The README's example: cost by model.
            by_model = dict(con.execute(
                "SELECT model, sum(cost_usd) FROM read_parquet(?) WHERE model IS NOT NULL GROUP BY 1",
                [str(out)]).fetchall())
            total = json.loads(loupe("summary", "--json", *inputs).stdout)["totals"]["cost_usd"]
            self.assertTrue(math.isclose(sum(v or 0 for v in by_model.values()), total, rel_tol=1e-9))
            # Nanosecond timestamps agree with the duration column.
            bad = con.execute("SELECT count(*) FROM read_parquet(?) WHERE epoch_ns(end_time) - epoch_ns(start_time) <> duration_ns",
                              [str(out)]).fetchone()[0]
            self.assertEqual(bad, 0)
            # Attributes are a map; session and source file are columns.
            row = con.execute("SELECT session_id, source_file FROM read_parquet(?) WHERE session_id IS NOT NULL LIMIT 1",
                              [str(out)]).fetchone()
            self.assertTrue(row[1].endswith(".json"))
            n = con.execute("SELECT count(*) FROM read_parquet(?) WHERE cardinality(attributes) > 0", [str(out)]).fetchone()[0]
            self.assertGreater(n, 0)


if __name__ == "__main__":
    unittest.main()
