"""End-to-end tests of the bundled web client: a real ``feedctl serve`` on the embedded default,
driven by headless Chromium (see ``tests/fixtures/browser.py``)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.services import unavailable
from tests.http.test_served import served

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The base URL of ``feedctl serve`` on a fresh embedded platform."""
    with served(tmp_path / "data", {}) as (base_url, _):
        yield base_url


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[str]:
    """Like ``server``, with a signed-in user's rate limit of 6 requests a minute."""
    with served(tmp_path / "data", {"FEEDCORE_RATE_LIMIT": "6/minute"}) as (base_url, _):
        yield base_url


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser script, from the web client's Node packages (``npm ci`` in ``web/``)."""
    if not AXE.is_file():
        unavailable(f"axe-core is not installed: run 'npm ci' in {AXE.parents[2]}")
    return AXE.read_text()


def png(width: int = 96, height: int = 64, rgb: tuple[int, int, int] = (40, 110, 200)) -> bytes:
    """A valid PNG image of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
