"""Shared fixtures. Backend fixtures live in tests/fixtures/, one module per port family."""

pytest_plugins = [
    "tests.fixtures.stores",
    "tests.fixtures.pgservers",
    "tests.fixtures.caches",
    "tests.fixtures.buses",
    "tests.fixtures.media",
    "tests.fixtures.platforms",
    "tests.fixtures.browser",
    "tests.fixtures.report",
    "tests.fixtures.imports",
]
