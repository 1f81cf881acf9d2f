"""Media uploads as browsers send them (multipart/form-data) beside the raw body."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from .client import PNG, ApiUser, assert_error, signup
from .conftest import AppFactory, TestClient

FORM = "multipart/form-data; boundary=b0und"


def _form(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart body of (Content-Disposition parameters, Content-Type, data) parts."""
    body = b"".join(
        b"--b0und\r\nContent-Disposition: form-data; "
        + disposition.encode()
        + (f"\r\nContent-Type: {ctype}".encode() if ctype else b"")
        + b"\r\n\r\n"
        + data
        + b"\r\n"
        for disposition, ctype, data in parts
    )
    return body + b"--b0und--\r\n"


@pytest.fixture
def alice(api: TestClient) -> ApiUser:
    return signup(api, "alice")


def test_a_form_file_is_uploaded(api: TestClient, alice: ApiUser) -> None:
    response = api.post("/v1/media", headers=alice.auth, files={"file": ("cat.png", PNG, "image/png")})
    assert response.status_code == 201, response.text
    media = response.json()
    assert media["content_type"] == "image/png" and media["size"] == len(PNG)
    assert api.get(media["url"]).content == PNG
    raw = api.post("/v1/media", headers={**alice.auth, "Content-Type": "image/png"}, content=PNG)
    assert raw.status_code == 201 and raw.json()["size"] == len(PNG)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (_form(('name="file"; filename="a.png"', "image/png", PNG)), "multipart/form-data", 400, "invalid_multipart"),
        (_form(*[('name="file"; filename="a.png"', "image/png", PNG)] * 2), FORM, 400, "invalid_multipart"),
        (_form(('name="file"; filename="a.png"', "image/png", PNG))[:-12], FORM, 400, "invalid_multipart"),
        (b"--b0und--\r\n", FORM, 400, "invalid_multipart"),
        (b"not a form at all", FORM, 400, "invalid_multipart"),
        (_form(('name="file"', None, b"just text")), FORM, 400, "invalid_multipart"),
        (_form(('name="photo"; filename="a.png"', "image/png", PNG)), FORM, 400, "invalid_multipart"),
        (
            _form(('name="file"; filename="a.png"', "image/png", PNG), ('name="caption"', None, b"hi")),
            FORM,
            400,
            "invalid_multipart",
        ),
        (_form(('name="file"; filename="a.txt"', "text/plain", b"hello")), FORM, 415, "unsupported_media_type"),
        (_form(('name="file"; filename="a.png"', None, PNG)), FORM, 415, "unsupported_media_type"),
        (_form(('name="file"; filename="a.png"', "image/png", b"<script>")), FORM, 415, "unsupported_media_type"),
    ],
)
def test_a_form_other_than_one_file_is_refused(
    api: TestClient, alice: ApiUser, body: bytes, content_type: str, status: int, code: str
) -> None:
    response = api.post("/v1/media", headers={**alice.auth, "Content-Type": content_type}, content=body)
    assert_error(response, status, code)


def test_a_huge_form_is_refused_while_it_streams(app_factory: AppFactory) -> None:
    api = app_factory(max_media_bytes=4096)
    alice = signup(api, "alice")
    head = b'--b0und\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
    chunks = itertools.chain([head], itertools.repeat(b"\x00" * 1024, 10 * 1024))  # 10 MB, no length
    read = 0
    answers: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        answers.append(message)

    headers = [(b"content-type", FORM.encode()), (b"authorization", alice.auth["Authorization"].encode())]
    scope = {"type": "http", "method": "POST", "path": "/v1/media", "query_string": b"", "headers": headers}
    asyncio.run(api.app(scope, receive, send))
    assert answers[0]["status"] == 413 and read < 30
    declared = {**alice.auth, "Content-Type": FORM, "Content-Length": str(10 * 1024 * 1024)}
    assert_error(api.post("/v1/media", headers=declared, content=b""), 413)
    over = _form(('name="file"; filename="a.png"', "image/png", PNG + b"\x00" * 4096))
    assert_error(api.post("/v1/media", headers={**alice.auth, "Content-Type": FORM}, content=over), 413)
    at = _form(('name="file"; filename="a.png"', "image/png", PNG + b"\x00" * (4096 - len(PNG))))
    assert api.post("/v1/media", headers={**alice.auth, "Content-Type": FORM}, content=at).status_code == 201


def test_the_document_offers_both(api: TestClient) -> None:
    body = api.get("/openapi.json").json()["paths"]["/v1/media"]["post"]["requestBody"]
    assert {"image/png", "video/mp4", "multipart/form-data"} <= set(body["content"])
    form = body["content"]["multipart/form-data"]
    assert form["schema"]["required"] == ["file"] and form["schema"]["properties"]["file"]["format"] == "binary"
    assert "image/png" in form["encoding"]["file"]["contentType"]
