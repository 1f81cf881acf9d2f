"""feedctl's own behaviour: ids, data directories, output formats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from feedctl.main import cli


def feedctl(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"FEEDCORE_DATA_DIR": str(tmp_path / "data")})
    return result.exit_code, result.output


def test_ids_out_of_range_are_not_found_not_a_crash(tmp_path: Path) -> None:
    assert feedctl(tmp_path, "init")[0] == 0
    for args in (("post", "show", "99999999999999999999999"), ("user", "show", "99999999999999999999999")):
        code, output = feedctl(tmp_path, *args)
        assert code == 1, output
        assert output.startswith("Error: not_found: no "), output


def test_bench_runs_the_checkouts_suite(tmp_path: Path) -> None:
    feedctl = Path(sys.executable).with_name("feedctl")
    result = subprocess.run([feedctl, "bench", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Usage: python -m benchmarks" in result.stdout and "--quick" in result.stdout


def test_bench_without_a_checkout_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from feedctl.commands import operate

    monkeypatch.setattr(operate, "_checkout", lambda: None)  # as from an installed wheel
    code, output = feedctl(tmp_path, "bench", "--quick")
    assert code == 1
    assert "not installed with feedcore" in output and "source checkout" in output
