"""feedctl stats on a platform seeded over the last week: its active users, posts and likes per
day and its top posts are the numbers a count made directly in SQL gives."""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from feedctl.main import cli

from feedcore import Platform, Settings
from tests.fixtures.platforms import TEST_SETTINGS, FakeClock
from tests.fixtures.sql_counts import counted_in_sql

DAY = 86400
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _no_feedcore_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("FEEDCORE_") and n != "FEEDCORE_REQUIRE_SERVICES"]:
        monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded platform with a week of signups, posts, likes, comments and follows, one
    day after another (early each UTC day, so today's are in the past)."""
    data_dir = tmp_path_factory.mktemp("stats") / "data"
    today = int(time.time() // DAY)
    clock = FakeClock(start=(today - 6) * DAY + 1.0)
    rng = random.Random(14)
    with Platform.open(Settings(**{**TEST_SETTINGS, "data_dir": str(data_dir)}), clock=clock) as p:
        users: list[int] = []
        posts: list[int] = []
        for day in range(7):
            users += [p.users.register(f"user{len(users) + i}", PASSWORD).id for i in range(rng.randint(1, 4))]
            posts += [p.posts.create(rng.choice(users), f"day {day} post {i}").id for i in range(rng.randint(1, 5))]
            for _ in range(rng.randint(2, 15)):
                p.interactions.like(rng.choice(users), rng.choice(posts))
            for _ in range(rng.randint(0, 4)):
                p.interactions.comment(rng.choice(users), rng.choice(posts), "nice")
            for _ in range(rng.randint(0, 4)):
                follower, followee = rng.sample(users, 2) if len(users) > 1 else (users[0], users[0])
                if follower != followee:
                    p.graph.follow(follower, followee)
            p.drain()
            clock.advance(DAY)
    return data_dir


def test_stats_days_match_a_count_incounted_in_sql(seeded: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--days", "7"], env={"FEEDCORE_DATA_DIR": str(seeded)})
    assert result.exit_code == 0, result.output
    days, ranked = counted_in_sql(seeded)
    rows = re.findall(r"^(\d{4}-\d\d-\d\d) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$", result.output, re.M)
    assert len(rows) == 7
    today = datetime.fromtimestamp(time.time(), UTC).date().isoformat()
    assert rows[-1][0] == today
    shown = {d: {"active": int(a), "posts": int(p), "likes": int(lk)} for d, a, _, p, lk, _, _ in rows}
    assert shown == days and all(v["active"] and v["posts"] for v in shown.values())
    assert re.search(r"^active +[▁▂▃▄▅▆▇█]{7} ", result.output, re.M)
    top = re.findall(r"^(\d{15,}) +@user\d+ ", result.output, re.M)
    assert [int(p) for p in top] == ranked[: len(top)] and len(top) == 5


def test_stats_json_and_plot(seeded: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="--plot needs the plot extra")
    png = tmp_path / "week.png"
    env = {"FEEDCORE_DATA_DIR": str(seeded)}
    result = CliRunner().invoke(cli, ["stats", "--days", "7", "--plot", str(png), "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["date"] for d in data["days"]] == sorted(counted_in_sql(seeded)[0])
    assert data["active_users"]["week"] >= max(d["active"] for d in data["days"])
    assert isinstance(data["top_posts"][0]["post_id"], str)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded platform made by `feedctl seed --end today` (run twice: nothing doubles)."""
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    env = {"FEEDCORE_DATA_DIR": str(data_dir)}
    args = ["seed", "--users", "300", "--end", "today", "--quiet", "--json"]
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, args, env=env)
    assert again.exit_code == 0, again.output
    made, redone = json.loads(first.stdout), json.loads(again.stdout)
    assert made["likes"] > 0 and made["analytics_facts"] > 0
    assert (redone["likes"], redone["posts"], redone["analytics_facts"]) == (made["likes"], made["posts"], 0)
    return data_dir


def test_stats_after_seed_match_a_count_in_sql(network: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--days", "7", "--json"], env={"FEEDCORE_DATA_DIR": str(network)})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    counted, ranked = counted_in_sql(network)
    zero = {"active": 0, "posts": 0, "likes": 0}
    shown = {d["date"]: {c: d[c] for c in zero} for d in data["days"]}
    assert shown == {day: counted.get(day, zero) for day in shown}
    *week, today = shown.values()
    assert today == zero and all(v["active"] and v["posts"] and v["likes"] for v in week)  # the seed ends today
    top = data["top_posts"]
    assert [int(p["post_id"]) for p in top] == ranked[:5] and len(top) == 5
    with sqlite3.connect(network / "feedcore.db") as conn:
        likes = dict(conn.execute("SELECT post_id, COUNT(*) FROM likes GROUP BY post_id").fetchall())
    assert [p["likes"] for p in top] == [likes[int(p["post_id"])] for p in top]
