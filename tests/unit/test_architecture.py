"""The shape of the package: public surface, import direction, packaging."""

from __future__ import annotations

import ast
import configparser
import importlib.metadata
from pathlib import Path

import feedcore
import feedcore.errors

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "src" / "feedcore"
DRIVERS = {
    "sqlalchemy",
    "psycopg",
    "redis",
    "kafka",
    "boto3",
    "botocore",
    "starlette",
    "uvicorn",
    "alembic",
    "prometheus_client",
    "httpx",
    "feedcore_asgi",
    "feedcore_worker",
    "feedctl",
}


def test_public_api_is_pinned() -> None:
    assert sorted(feedcore.__all__) == sorted(
        [
            "Platform",
            "Settings",
            "FeedcoreError",
            "User",
            "UserCard",
            "Post",
            "Media",
            "MediaRef",
            "Comment",
            "FeedItem",
            "Page",
            "Tokens",
        ]
    )
    for name in (
        "FeedcoreError",
        "NotFound",
        "Conflict",
        "InvalidInput",
        "Unauthorized",
        "Forbidden",
        "RateLimited",
        "Unavailable",
    ):
        assert issubclass(getattr(feedcore.errors, name), feedcore.errors.FeedcoreError)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_imports_no_driver_and_no_adapter() -> None:
    core_files = [p for p in CORE.rglob("*.py") if "backends" not in p.relative_to(CORE).parts]
    assert core_files
    for path in core_files:
        assert not (_imports(path) & DRIVERS), f"{path.relative_to(ROOT)} imports {_imports(path) & DRIVERS}"
        text = path.read_text()
        for backend in ("backends.sql", "backends.redis", "backends.kafka", "backends.s3", "backends.memory"):
            assert backend not in text, f"{path.relative_to(ROOT)} names {backend}"


def test_every_package_is_listed_in_setup_cfg() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    roots = {
        "feedcore": CORE,
        "feedcore_asgi": ROOT / "adapters" / "feedcore_asgi",
        "feedcore_worker": ROOT / "adapters" / "feedcore_worker",
        "feedctl": ROOT / "cli" / "feedctl",
    }
    found = set()
    for name, root in roots.items():
        for init in root.rglob("__init__.py"):
            rel = init.parent.relative_to(root).parts
            found.add(".".join((name, *rel)))
    assert found == listed


def test_the_layering_contract_lists_every_core_module() -> None:
    """.importlinter names the core's modules one by one (all but feedcore.backends); a new
    module must join the list, or concrete-backend imports from it would go unchecked."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    listed = set(config["importlinter:contract:core-imports-no-concrete-backend"]["source_modules"].split())
    found = {
        f"feedcore.{p.stem if p.is_file() else p.name}"
        for p in CORE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert listed == found - {"feedcore.backends"}


def test_the_version_has_one_place() -> None:
    assert importlib.metadata.version("feedcore") == feedcore.__version__
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()
