"""The web client's TypeScript types (web/src/api/schema.d.ts) are generated from the OpenAPI
document the app serves; this fails when the committed file is stale (`npm run types` in web/)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.fixtures.services import unavailable

WEB = Path(__file__).resolve().parents[2] / "web"


def test_committed_types_match_the_openapi_document() -> None:
    node = shutil.which("node")
    if node is None or not (WEB / "node_modules" / "openapi-typescript").is_dir():
        unavailable(f"node or the web client's packages are missing (run 'npm ci' in {WEB})")
    result = subprocess.run(
        [node, "scripts/types.mjs", "--check"],
        cwd=WEB,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
