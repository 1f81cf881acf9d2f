"""What a handler sees of one request (:class:`Call`) and what it may return besides a Struct."""

from __future__ import annotations

from collections.abc import Mapping
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qsl

import attrs

from feedcore import Platform
from feedcore.errors import NotFound, Unauthorized
from feedcore.model import Principal
from feedcore.validation import MAX_ID

if TYPE_CHECKING:
    from .context import AppContext
    from .table import Route

__all__ = ["Call", "Params", "Raw", "Upload", "parse_id"]

B = TypeVar("B")
Q = TypeVar("Q")


@attrs.frozen
class Raw:
    """A response body that is not JSON (media bytes, metrics text), or JSON already encoded."""

    data: bytes
    content_type: str


@attrs.frozen
class Upload:
    """A raw request body and its content type (without parameters, lower case)."""

    data: bytes
    content_type: str


@attrs.frozen
class Params:
    """Form or JSON fields as sent: in order, repeats kept (what OAuth's grants read)."""

    pairs: tuple[tuple[str, str], ...]


def parse_id(text: str, what: str) -> int:
    """A decimal id; NotFound (``no <what> <text>``) for anything else."""
    if text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID:
        return int(text)
    raise NotFound(f"no {what} {text[:40]}")


class Call(Generic[B, Q]):
    """One request as a handler sees it: the decoded ``body`` and ``query`` (their route's
    Structs, None when it declares none), the path parameters, the verified token's
    ``principal`` and its user (``viewer``).

    A handler chooses a reply other than the route's ``ok`` with :meth:`reply` and adds a
    declared response header with :meth:`header`.
    """

    __slots__ = ("_context", "_scope", "body", "headers", "params", "principal", "query", "route", "status", "viewer")

    def __init__(
        self,
        context: AppContext,
        scope: Mapping[str, Any],
        route: Route,
        principal: Principal | None,
        body: B,
        query: Q,
        params: Mapping[str, str],
    ) -> None:
        self._context = context
        self._scope = scope
        self.route = route
        self.principal = principal
        self.viewer = principal.user_id if principal is not None else None
        self.body = body
        self.query = query
        self.params = params
        self.status = route.ok.status
        self.headers: list[tuple[str, str]] = []

    @property
    def platform(self) -> Platform:
        return self._context.holder.get()

    @property
    def context(self) -> AppContext:
        """The app: its settings, metrics and document."""
        return self._context

    @property
    def url(self) -> str:
        """The URL the client asked for: ``scheme://host[:port]/path[?query]``."""
        scope = self._scope
        host = self.request_headers.get("host")
        if host is None:
            server = scope.get("server") or ("localhost", None)
            host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope.get("root_path", "") + scope["path"]
        return f"{scope.get('scheme', 'http')}://{host}{path}{'?' + query if query else ''}"

    @property
    def request_headers(self) -> dict[str, str]:
        """The request's headers, names in lower case (the last of repeated ones)."""
        return {k.decode("latin-1"): v.decode("latin-1") for k, v in self._scope["headers"]}

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        """The query string's parameters as sent: in order, repeats kept."""
        return parse_qsl(self._scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)

    @property
    def cookies(self) -> dict[str, str]:
        """The request's cookies."""
        jar = SimpleCookie()
        jar.load(self.request_headers.get("cookie", ""))
        return {name: morsel.value for name, morsel in jar.items()}

    @property
    def address(self) -> str:
        """The client's address ("" when the server does not say)."""
        client = self._scope.get("client")
        return str(client[0]) if client else ""

    @property
    def user(self) -> int:
        """The authenticated user's id (always there on ``auth="required"`` routes)."""
        if self.viewer is None:
            raise Unauthorized("authentication required")
        return self.viewer

    def id(self, name: str, what: str) -> int:
        """The path parameter ``name`` as an id; NotFound (``no <what> …``) when it is not one."""
        return parse_id(self.params[name], what)

    def reply(self, status: int) -> None:
        """Answer with another of the route's declared replies."""
        if all(r.status != status for r in self.route.replies):
            raise ValueError(f"{self.route.method} {self.route.path} declares no {status} reply")
        self.status = status

    def header(self, name: str, value: str) -> None:
        """Send a response header the chosen reply declares."""
        reply = next(r for r in self.route.replies if r.status == self.status)
        if all(h.name != name for h in reply.headers):
            raise ValueError(f"{self.route.method} {self.route.path} declares no {name} header on {self.status}")
        self.headers.append((name, value))
