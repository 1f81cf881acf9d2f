"""Operations: liveness, readiness (each backend), Prometheus metrics, the OpenAPI document,
and media bytes for stores without a public URL of their own (``file://``)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .endpoint import Call, endpoint
from .errors import error_response
from .media import media_response
from .openapi import openapi_document
from .runtime import blocking

__all__ = ["ROUTES"]


async def healthz(request: Request) -> Response:
    """Liveness: the process answers. Touches no backend."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Readiness: every backend answers now; 503 (with each one's status) otherwise."""
    try:
        platform = await blocking(request.app.state.holder.get)
        backends = await blocking(platform.check)
    except Exception as exc:  # not even open: not ready, in the error shape
        return error_response(exc)
    ready = all(status == "ok" for status in backends.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "backends": backends}, status_code=200 if ready else 503
    )


async def metrics(request: Request) -> Response:
    try:
        body = await blocking(request.app.state.metrics.render)
    except Exception as exc:
        return error_response(exc)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


@endpoint(auth="none", limited=False)
def media_bytes(call: Call) -> Response:
    return media_response(call.platform, call.request.path_params["key"], call.request.headers)


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/media/{key:path}", media_bytes, methods=["GET"]),
]
