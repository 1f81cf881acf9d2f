"""feedctl's own behaviour: ids, data directories, output formats."""

from __future__ import annotations

from pathlib import Path

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
