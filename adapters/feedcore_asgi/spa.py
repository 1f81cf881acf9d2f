"""The bundled web client and API reference: the Vite build of ``web/`` shipped as package
data in ``webui/``, served for the GET and HEAD requests no API route matched.

``/assets/*`` are content-hashed and cached for a year; ``/docs`` is the API reference page;
any other path without a file extension is a client-side route and gets ``index.html``
(never cached, so a new release is picked up at once). The API's own prefixes are never
shadowed: an unknown ``/v1/...`` path stays a JSON 404.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BUILD_DIR", "WebClient"]

BUILD_DIR = Path(__file__).with_name("webui")
RESERVED = ("/v1", "/media", "/oauth", "/.well-known", "/openapi.json", "/healthz", "/readyz", "/metrics")
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # style attributes (avatars, Swagger UI)
        "img-src 'self' data: blob: https: http:",  # media may live on a CDN or object store
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""The pages load only their own bundled scripts and talk only to this server."""
PAGE_HEADERS = {
    "Cache-Control": NO_CACHE,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class _HashedAssets(StaticFiles):
    """Vite's output files: their names change with their content, so they never go stale."""

    def file_response(
        self, full_path: os.PathLike[str] | str, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _reserved(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in RESERVED)


class WebClient:
    """An ASGI app serving the build in ``root``; everything else goes to ``fallback`` (the
    API's not-found answer)."""

    def __init__(self, fallback: ASGIApp, root: Path = BUILD_DIR) -> None:
        self._fallback = fallback
        self._index = root / "index.html"
        self._docs = root / "docs.html"
        self._assets = _HashedAssets(directory=root / "assets", check_dir=False)

    def _page(self, path: str) -> Path | None:
        if path in ("/docs", "/docs/"):
            return self._docs
        if _reserved(path) or "." in path.rsplit("/", 1)[-1]:
            return None
        return self._index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self._fallback(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/assets/"):
            await self._assets({**scope, "path": path.removeprefix("/assets"), "root_path": ""}, receive, send)
            return
        page = self._page(path)
        if page is None or not page.is_file():
            await self._fallback(scope, receive, send)
            return
        await FileResponse(page, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)(scope, receive, send)
