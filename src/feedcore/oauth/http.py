"""The HTTP exchange the authorization server sees, free of any web framework: the adapter
builds an :class:`HttpRequest` and sends back the :class:`HttpResponse`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request

__all__ = ["HttpRequest", "HttpResponse", "OAuthRequest"]


@attrs.frozen
class HttpRequest:
    """One request to an OAuth endpoint.

    ``url`` is the full URL the client used (its scheme decides whether the transport is
    secure: https, or http on a loopback address); ``params`` are the form fields of a POST
    body, or the query of a GET, in order, repeats kept; ``address`` is the client's IP
    address (for sign-in throttling)."""

    method: str
    url: str
    headers: Mapping[str, str]
    params: Sequence[tuple[str, str]] = ()
    address: str = ""

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of :attr:`url`."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


@attrs.frozen
class HttpResponse:
    """What to answer: a status, a JSON body (or an empty one) and headers."""

    status: int
    body: Mapping[str, Any]
    headers: Mapping[str, str]

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


class _Headers(dict[str, str]):
    """Headers looked up case-insensitively, as Authlib expects of a framework's headers."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__({k.lower(): v for k, v in headers.items()})

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, params: Sequence[tuple[str, str]]) -> None:
        self._data = {k: v for k, v in reversed(params)}  # the first of repeated parameters
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in params:
            self._datalist[key].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class OAuthRequest(OAuth2Request):  # type: ignore[misc]
    """An :class:`HttpRequest` as Authlib's grants read it. Raises Authlib's
    InsecureTransportError for plain http to anything but a loopback address."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(method=request.method, uri=request.url, headers=_Headers(request.headers))
        self.http = request
        self.payload = _Payload(request.params)

    @property
    def args(self) -> dict[str, str]:
        return dict(self.payload.data)

    @property
    def form(self) -> dict[str, str]:
        return dict(self.payload.data)
