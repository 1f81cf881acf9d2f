"""What README promises runs: the embedding example and `feedctl demo`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from feedctl.main import cli

ROOT = Path(__file__).resolve().parents[2]


def test_embed_minimal_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "embed_minimal.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "@alice: hello, feed (1 like)"
    assert not (tmp_path / "feedcore-data").exists()  # it used a temporary directory


def test_feedctl_demo_prints_a_feed(tmp_path: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["demo", "--data-dir", str(tmp_path / "a")])
    assert table.exit_code == 0, table.output
    assert "home feed of @alice" in table.output and "Hello from bob!" in table.output
    as_json = runner.invoke(cli, ["demo", "--data-dir", str(tmp_path / "b"), "--json"])
    items = json.loads(as_json.output)
    assert [i["author"] for i in items] == ["alice", "carol", "bob"]
    assert items[2]["likes"] == 2 and items[2]["comments"] == 1 and items[2]["liked_by_me"]


def test_feedctl_init_on_the_embedded_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init"], env={"FEEDCORE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "store ok" in result.output and (tmp_path / "feedcore.db").exists()
