"""`python -m benchmarks --quick` (what `feedctl bench --quick` runs) runs every scenario end to
end (CI); it asserts nothing about speed."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from tests.fixtures.services import port_open, unavailable

SCENARIOS = ["feed-read", "feed-read-pull", "fanout", "post-write", "http-feed", "hybrid", "mixed"]


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.timeout(300)
def test_bench_quick_writes_table_json_and_plot(tmp_path):
    if not port_open("127.0.0.1", 5432) or not port_open("127.0.0.1", 6379):
        unavailable("feedctl bench needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")
    if shutil.which("wrk") is None:
        unavailable("wrk is not installed (apt-get install wrk): http-feed needs it")
    from benchmarks.__main__ import main

    out = tmp_path / "latest.json"
    dsn = os.environ.get("FEEDCORE_TEST_POSTGRES_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    env = {"FEEDCORE_BENCH_POSTGRES_DSN": dsn}
    result = CliRunner().invoke(main, ["--quick", "--out", str(out)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "feed-read" in result.output and "ratio" in result.output
    report = json.loads(out.read_text())
    assert [s["name"] for s in report["scenarios"]] == SCENARIOS
    assert [s["name"] for s in report["scenarios"] if "error" in s] == []
    assert report["machine"]["cpus"] and report["redis_memory"]["feed_entries"] > 0
    assert out.with_suffix(".png").stat().st_size > 1000
