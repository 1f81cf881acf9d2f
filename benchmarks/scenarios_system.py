"""Scenarios across processes or policies: http-feed, hybrid, mixed."""

from __future__ import annotations

from typing import Any

from .context import Ctx, result


def http_feed(ctx: Ctx) -> dict[str, Any]:
    raise NotImplementedError("http-feed")


def hybrid(ctx: Ctx) -> dict[str, Any]:
    raise NotImplementedError("hybrid")


def mixed(ctx: Ctx) -> dict[str, Any]:
    raise NotImplementedError("mixed")
