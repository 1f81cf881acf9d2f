"""Property-based fuzz of request decoding: random JSON bodies (wrong types, huge numbers, lone
surrogates, unknown fields, deep nesting, broken UTF-8, cut-off text), random forms, media bytes,
random query strings, ids in paths and Authorization headers, straight into the in-process app
(no client library: the bytes go as generated). Every answer must be below 500 and as the
document describes it for that status (the JSON error shape included)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes

import attrs
import msgspec
import pytest
from feedcore_asgi.factory import ROUTES
from feedcore_asgi.table import CONTENT_JSON, CONTENT_TYPE_FORM, Route
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.http.client import PNG

from .asgi import request
from .conftest import Conformance, Tally, Target

pytestmark = [pytest.mark.fuzz, pytest.mark.slow, pytest.mark.timeout(60)]

EXAMPLES = int(os.environ.get("FEEDCORE_FUZZ_DECODING_EXAMPLES", "400"))
BODY_ROUTES = [r for r in ROUTES if r.body is not None]
QUERY_ROUTES = [r for r in ROUTES if r.query is not None]
ID_PARAMS = ("post_id", "comment_id", "session_id", "user")
ID_ROUTES = [r for r in ROUTES if set(r.params) & set(ID_PARAMS)]
ME = next(r for r in ROUTES if (r.method, r.path) == ("GET", "/v1/me"))

# --- values -------------------------------------------------------------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"])
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Mn", "Co", "Cn"]) | SURROGATES, max_size=20),
    st.sampled_from(["", " ", "\x00", "\u200b", "\u202e", "\ud800", "a\udfffb", "0", "-1", "1e999", "x" * 5000]),
    st.from_regex(r"[A-Za-z0-9_]{3,30}", fullmatch=True),  # a handle's shape (a password's length)
    st.integers(min_value=-(2**65), max_value=2**65).map(str),  # an id's shape, in range or not
)
HUGE = st.sampled_from([0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30), 10**400])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), HUGE, st.floats(allow_nan=False, allow_infinity=False), TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _names(struct: Any) -> st.SearchStrategy[str]:
    """The wire names of ``struct``'s fields (``x`` for none)."""
    return st.sampled_from([f.encode_name for f in msgspec.structs.fields(struct)] if struct else ["x"])


def _objects(route: Route) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the route's own fields (of any type, or text) and unknown ones."""
    known = st.dictionaries(_names(route.body.type), TEXT | JSON_VALUES, max_size=6)  # type: ignore[union-attr]
    return st.builds(lambda a, b: {**b, **a}, known, st.dictionaries(TEXT, JSON_VALUES, max_size=3))


def _json_bytes(value: Any, ascii_only: bool) -> bytes:
    """JSON text: a lone surrogate escaped (``\\ud800``), or raw as the bytes UTF-8 forbids."""
    return _utf8(json.dumps(value, ensure_ascii=ascii_only))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _form(pairs: list[tuple[str, str]]) -> bytes:
    """Percent-encoded ``k=v&…`` (a lone surrogate as the bytes UTF-8 forbids)."""
    return b"&".join(quote_from_bytes(_utf8(k)).encode() + b"=" + quote_from_bytes(_utf8(v)).encode() for k, v in pairs)


def _unencoded(pairs: list[tuple[str, str]]) -> bytes:
    """``k=v&…`` as typed: spaces, ``%`` and ``&`` left as they are."""
    return b"&".join(_utf8(k) + b"=" + _utf8(v) for k, v in pairs)


def _bodies(route: Route) -> st.SearchStrategy[bytes]:
    json_ok = st.builds(_json_bytes, _objects(route) | JSON_VALUES, st.booleans())
    broken = st.one_of(
        st.binary(max_size=64),
        json_ok.flatmap(lambda b: st.integers(0, max(len(b) - 1, 0)).map(lambda n: b[:n])),  # cut off
        st.sampled_from([b"", b"{", b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 5000, b"\xef\xbb\xbf{}", b"1e999",
                         b'{"text": "\\ud800"}', b'{"text": "\xff\xfe"}', b"null", b"{}" * 2]),
    )  # fmt: skip
    if route.body.kind == "raw":  # type: ignore[union-attr]
        return st.one_of(st.binary(max_size=256), st.binary(max_size=64).map(lambda b: PNG[:40] + b), st.just(PNG))
    if CONTENT_TYPE_FORM in route.body.content_types:  # type: ignore[union-attr]
        keys = _names(route.body.type) | TEXT  # type: ignore[union-attr]
        forms = st.lists(st.tuples(keys, TEXT), max_size=6).map(_form)
        return st.one_of(json_ok, forms, broken)
    return st.one_of(json_ok, json_ok, broken)


def _content_types(route: Route) -> st.SearchStrategy[str | None]:
    own = st.sampled_from(route.body.content_types)  # type: ignore[union-attr]
    return st.one_of(
        own,
        own,
        own.map(lambda ct: ct.upper() + "; charset=utf-8"),
        st.sampled_from([None, CONTENT_JSON, CONTENT_TYPE_FORM, "text/plain", "multipart/form-data", "*/*", ";"]),
    )


def _query_strings(route: Route) -> st.SearchStrategy[bytes]:
    values = TEXT | HUGE.map(str) | st.sampled_from(["1.5", "+1", " 1", "0x10", "1_000", "%", "%zz", "%00", "NaN"])
    pairs = st.lists(st.tuples(_names(route.query) | TEXT, values), max_size=5)
    return st.one_of(pairs.map(_form), pairs.map(_unencoded), st.binary(max_size=64))


SEGMENTS = st.one_of(
    HUGE.map(str),
    st.integers().map(str),
    st.sampled_from(["0", "-1", "+1", "1e3", "0x1", "1.0", "00001", "١٢٣", "@", "@@a", "me", " 1", "%", "..", "."]),
    st.text(st.characters(exclude_characters="/", exclude_categories=["Cs"]), min_size=1, max_size=40),
)
"""A path segment where an id (or a user's id or handle) goes; never empty, never a ``/``."""

_B64 = st.binary(max_size=48).map(lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode())
TOKENS = st.one_of(
    st.builds(lambda a, b, c: f"Bearer {a}.{b}.{c}", _B64, _B64, _B64),
    st.builds(lambda t: f"Bearer {t}", st.text(st.characters(max_codepoint=255), max_size=60)),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["Bearer", "Bearer ", "bearer x", "Basic Zm9vOmJhcg==", "Bearer eyJhbGciOiJub25lIn0.e30.", ""]),
)
"""Authorization header values: JWT-shaped garbage, random text, random bytes, odd schemes."""


# --- the fuzz ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as loop:
        yield loop


@pytest.fixture(scope="module")
def paths(target: Target, runner: asyncio.Runner) -> dict[str, str]:
    """A real value for each path parameter: the fuzzer's own id, a post and a comment of theirs."""
    auth = (("authorization", f"Bearer {target.user.access_token}"), ("content-type", CONTENT_JSON))
    post = runner.run(request(target.app, "POST", "/v1/posts", headers=auth, body=b'{"text": "fuzzed"}'))
    post_id = json.loads(post.body)["id"]
    comment = runner.run(
        request(target.app, "POST", f"/v1/posts/{post_id}/comments", headers=auth, body=b'{"text": "c"}')
    )
    return {"user": target.user.id, "post_id": post_id, "comment_id": json.loads(comment.body)["id"]}


@attrs.frozen
class Sender:
    """Sends one generated request, counts it, and fails on a 5xx or an undocumented answer."""

    target: Target
    runner: asyncio.Runner
    tally: Tally
    conformance: Conformance

    def send(
        self,
        route: Route,
        path: str,
        query: bytes = b"",
        content_type: str | None = None,
        body: bytes = b"",
        authorization: str | None = None,
    ) -> None:
        """``authorization`` replaces the fuzzer's token (which goes where the route takes one)."""
        if authorization is None and route.auth != "none":
            authorization = f"Bearer {self.target.user.access_token}"
        headers = [] if authorization is None else [("authorization", authorization)]
        if content_type is not None:
            headers.append(("content-type", content_type))
        answer = self.runner.run(request(self.target.app, route.method, path, query, tuple(headers), body))
        self.tally.requests["decoding"] += 1
        sent = f"{route.method} {path!r}?{query!r} ({content_type}, {authorization!r}) {body[:300]!r}"
        if answer.status >= 500:
            self.tally.server_errors.append(f"{sent} -> {answer.status} {answer.body[:300]!r}")
        method = route.method.lower()
        problem = self.conformance.problem(route.path, method, answer.status, answer.content_type, answer.body)
        if problem is not None:
            self.tally.violations.append(f"{sent}: {problem}")
        assert answer.status < 500, f"{sent} -> {answer.status} {answer.body[:500]!r}"
        assert problem is None, f"{sent}: {problem}"


@pytest.fixture(scope="module")
def sender(target: Target, runner: asyncio.Runner, tally: Tally) -> Sender:
    return Sender(target, runner, tally, Conformance(target.document))


FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("route", BODY_ROUTES, ids=[f"{r.method} {r.path}" for r in BODY_ROUTES])
def test_bodies(sender: Sender, paths: dict[str, str], route: Route) -> None:
    path = route.path.format(**paths)

    @given(body=_bodies(route), content_type=_content_types(route))
    @FUZZ
    def fuzz(body: bytes, content_type: str | None) -> None:
        sender.send(route, path, content_type=content_type, body=body)

    fuzz()


@pytest.mark.parametrize("route", ID_ROUTES, ids=[f"{r.method} {r.path}" for r in ID_ROUTES])
def test_path_ids(sender: Sender, paths: dict[str, str], route: Route) -> None:
    """Ids (and users' handles) in the path: huge, negative, signed, other digits, any text."""
    (param,) = set(route.params) & set(ID_PARAMS)

    @given(segment=SEGMENTS)
    @settings(FUZZ, max_examples=EXAMPLES // 4)
    def fuzz(segment: str) -> None:
        sender.send(route, route.path.format(**{**paths, param: segment}))

    fuzz()


def test_tokens(sender: Sender) -> None:
    """Whatever the Authorization header holds, a bad one is a 401 in the documented shape."""

    @given(authorization=TOKENS)
    @FUZZ
    def fuzz(authorization: str) -> None:
        sender.send(ME, ME.path, authorization=authorization)

    fuzz()


@pytest.mark.parametrize("route", QUERY_ROUTES, ids=[f"{r.method} {r.path}" for r in QUERY_ROUTES])
def test_query_strings(sender: Sender, paths: dict[str, str], route: Route) -> None:
    path = route.path.format(**paths)

    @given(query=_query_strings(route))
    @FUZZ
    def fuzz(query: bytes) -> None:
        sender.send(route, path, query=query)

    fuzz()
