"""feedcore's HTTP API as an ASGI application.

For any ASGI server, the application object is ``feedcore_asgi:app``, configured by
``FEEDCORE_*`` variables (``uvicorn feedcore_asgi:app``); it is built on first access, and
opens the platform at startup. To serve a platform you built, use :func:`create_app`.
Every route is declared once in :data:`ROUTES` (see :mod:`feedcore_asgi.table`); the router
(:mod:`.router`), request decoding (:mod:`.decode`), response encoding and
:func:`openapi_document` derive from it, served by the plain ASGI :class:`~.application.App`.
"""

from __future__ import annotations

from typing import Any

from .factory import ROUTES, create_app
from .openapi import openapi_document

__all__ = ["ROUTES", "app", "create_app", "openapi_document"]

_app: Any = None


def __getattr__(name: str) -> Any:
    """``app`` is made on first access (no work, no environment read, at import time)."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
