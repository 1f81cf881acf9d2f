"""Media as the origin of a CDN: immutable content-addressed URLs, validators, ranges, 404 once deleted.

The same through a real caching proxy (nginx) is tests/http/test_cdn.py.
"""

from __future__ import annotations

import hashlib

import pytest
from starlette.testclient import TestClient

from .client import PNG, ApiUser, assert_error, eventually, signup

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4  # 1,036 bytes a player would seek in
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def alice(api: TestClient) -> ApiUser:
    return signup(api, "alice")


def _upload(api: TestClient, user: ApiUser, data: bytes, content_type: str) -> dict[str, str]:
    response = api.post("/v1/media", headers={**user.auth, "Content-Type": content_type}, content=data)
    assert response.status_code == 201, response.text
    return response.json()


def test_urls_are_content_addressed_and_cached_forever(api: TestClient, alice: ApiUser) -> None:
    digest = hashlib.sha256(PNG).hexdigest()
    first, second = _upload(api, alice, PNG, "image/png"), _upload(api, alice, PNG, "image/png")
    assert digest in first["url"] and digest in second["url"] and first["url"] != second["url"]
    served = api.get(first["url"])
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == IMMUTABLE
    assert served.headers["etag"] == f'"{digest}"'
    assert served.headers["accept-ranges"] == "bytes"


@pytest.mark.parametrize("if_none_match", ['"{}"', 'W/"{}"', '"other", "{}"', "*"])
def test_a_matching_if_none_match_is_not_modified(api: TestClient, alice: ApiUser, if_none_match: str) -> None:
    url = _upload(api, alice, PNG, "image/png")["url"]
    etag = api.get(url).headers["etag"].strip('"')
    response = api.get(url, headers={"If-None-Match": if_none_match.format(etag)})
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"] == f'"{etag}"' and response.headers["cache-control"] == IMMUTABLE
    assert api.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, len(MP4) - 1),
        ("bytes=-36", len(MP4) - 36, len(MP4) - 1),
        ("bytes=1000-5000", 1000, len(MP4) - 1),
    ],
)
def test_a_range_is_partial_content(api: TestClient, alice: ApiUser, header: str, first: int, last: int) -> None:
    url = _upload(api, alice, MP4, "video/mp4")["url"]
    response = api.get(url, headers={"Range": header})
    assert response.status_code == 206
    assert response.content == MP4[first : last + 1]
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(MP4)}"
    assert response.headers["content-type"] == "video/mp4" and response.headers["cache-control"] == IMMUTABLE


def test_ranges_it_cannot_or_need_not_serve(api: TestClient, alice: ApiUser) -> None:
    url = _upload(api, alice, MP4, "video/mp4")["url"]
    outside = api.get(url, headers={"Range": f"bytes={len(MP4)}-"})
    assert_error(outside, 416, "range_not_satisfiable")
    assert outside.headers["content-range"] == f"bytes */{len(MP4)}"
    for ignored in ("bytes=0-1,5-9", "bytes=9-1", "items=0-1", "bytes=-"):
        whole = api.get(url, headers={"Range": ignored})
        assert whole.status_code == 200 and whole.content == MP4, ignored
    stale = api.get(url, headers={"Range": "bytes=0-9", "If-Range": '"an-older-version"'})
    assert stale.status_code == 200 and stale.content == MP4
    current = api.get(url, headers={"Range": "bytes=0-9", "If-Range": api.get(url).headers["etag"]})
    assert current.status_code == 206 and current.content == MP4[:10]


def test_deleted_media_is_gone_and_says_so_for_a_day(api: TestClient, alice: ApiUser) -> None:
    media = _upload(api, alice, PNG, "image/png")
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "pic", "media_ids": [media["id"]]}).json()
    assert api.get(media["url"]).status_code == 200
    assert api.delete(f"/v1/posts/{post['id']}", headers=alice.auth).status_code == 204
    gone = eventually(lambda: (r := api.get(media["url"])).status_code == 404 and r)
    assert_error(gone, 404, "not_found")
    assert gone.headers["cache-control"] == "public, max-age=86400"


MEDIA_POLICY = "default-src 'none'; sandbox"


def test_media_is_never_sniffed_nor_run(api: TestClient, alice: ApiUser) -> None:
    """Bytes served as uploaded: a browser must take them as the stored type, show them inline
    under a harmless name, and run nothing in them even when opened as a document."""
    media = _upload(api, alice, MP4, "video/mp4")
    etag = api.get(media["url"]).headers["etag"]
    name = media["url"].rsplit("/", 1)[-1]
    for headers in ({}, {"Range": "bytes=0-9"}, {"If-None-Match": etag}, {"Range": f"bytes={len(MP4)}-"}):
        served = api.get(media["url"], headers=headers)
        assert served.status_code in (200, 206, 304, 416), headers
        assert served.headers["x-content-type-options"] == "nosniff", headers
        assert served.headers["content-security-policy"] == MEDIA_POLICY, headers
        assert served.headers["content-disposition"] == f'inline; filename="{name}"', headers
    assert api.get("/media/nothing/here.png").headers["x-content-type-options"] == "nosniff"
