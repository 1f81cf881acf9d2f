"""feedctl's own behaviour: ids, where a platform lives, what a rebuild can reach, JSON output, bench."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from feedctl.main import cli

from feedcore import Platform, Settings
from tests.fixtures.platforms import TEST_SETTINGS

RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(autouse=True)
def _no_feedcore_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("FEEDCORE_") and n != "FEEDCORE_REQUIRE_SERVICES"]:
        monkeypatch.delenv(name)


def feedctl(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"FEEDCORE_DATA_DIR": str(data_dir)})
    return result.exit_code, result.output


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A platform with alice, bob (following alice) and a post by alice."""
    settings = Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path / "data")})
    with Platform.open(settings) as platform:
        alice = platform.users.register("alice", "correct horse battery")
        bob = platform.users.register("bob", "correct horse battery")
        platform.graph.follow(bob.id, alice.id)
        platform.posts.create(alice.id, "hello")
        platform.drain()
    return tmp_path / "data"


def test_ids_out_of_range_are_not_found_not_a_crash(data_dir: Path) -> None:
    for args in (("post", "show", "99999999999999999999999"), ("user", "show", "99999999999999999999999")):
        code, output = feedctl(data_dir, *args)
        assert code == 1, output
        assert output.startswith("Error: not_found: no "), output


def test_commands_refuse_to_create_a_platform_in_the_wrong_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["user", "show", "alice"], ["stats"], ["feed", "show", "alice"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, result.output
        assert "no feedcore platform here" in result.output and "feedctl init" in result.output
    assert not (tmp_path / "feedcore-data").exists()  # before: a new database and secret key, silently
    assert runner.invoke(cli, ["init"]).exit_code == 0
    assert (tmp_path / "feedcore-data" / "feedcore.db").exists()
    assert runner.invoke(cli, ["stats"]).exit_code == 0


def test_a_rebuild_of_an_in_process_cache_is_refused(data_dir: Path) -> None:
    code, output = feedctl(data_dir, "feed", "rebuild", "bob")
    assert code == 2 and "the cache is in-process" in output and "FEEDCORE_CACHE_URL" in output, output


def test_json_output_uses_string_ids_and_rfc3339_times(data_dir: Path) -> None:
    code, output = feedctl(data_dir, "user", "show", "alice", "--json")
    assert code == 0, output
    user = json.loads(output)
    assert isinstance(user["id"], str) and int(user["id"]) > 2**32
    assert RFC3339.fullmatch(user["created_at"]), user

    code, output = feedctl(data_dir, "feed", "show", "bob", "--json")
    assert code == 0, output
    item = json.loads(output)["items"][0]
    assert isinstance(item["post"]["id"], str) and item["post"]["author_id"] == user["id"]
    assert item["author"]["id"] == user["id"] and RFC3339.fullmatch(item["post"]["created_at"])
    assert item["post"]["edited_at"] is None

    code, output = feedctl(data_dir, "post", "show", item["post"]["id"], "--json")
    assert code == 0, output
    post = json.loads(output)
    assert post["id"] == item["post"]["id"] and post["author"]["id"] == user["id"]
    assert RFC3339.fullmatch(post["created_at"])


def test_bench_runs_the_checkouts_suite(tmp_path: Path) -> None:
    feedctl = Path(sys.executable).with_name("feedctl")
    result = subprocess.run([feedctl, "bench", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Usage: python -m benchmarks" in result.stdout and "--quick" in result.stdout


def test_bench_without_a_checkout_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from feedctl.commands import operate

    monkeypatch.setattr(operate, "_checkout", lambda: None)  # as from an installed wheel
    code, output = feedctl(tmp_path / "data", "bench", "--quick")
    assert code == 1
    assert "not installed with feedcore" in output and "source checkout" in output
