"""Media through a real caching proxy (nginx with ``proxy_cache``) in front of ``feedctl serve``.

The platform's ``media_base_url`` is the proxy, as it would be a CDN, and its purge hook is the
proxy's purge location (README's nginx recipe): the second request for an object is answered
from nginx's cache, and once the post is deleted nginx answers 404 from its cache too.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fixtures.nginx import caching_proxy
from tests.fixtures.services import free_port

from .client import PNG, assert_error, eventually, signup
from .test_media_serving import IMMUTABLE, MP4
from .test_served import served

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_media_is_served_from_the_proxy_cache_and_purged_when_deleted(tmp_path: Path) -> None:
    proxy_port = free_port()
    proxy = f"http://127.0.0.1:{proxy_port}"
    backends = {
        "FEEDCORE_MEDIA_BASE_URL": f"{proxy}/media",
        "FEEDCORE_MEDIA_PURGE_URL": f"{proxy}/purge/media/{{key}}",
        "FEEDCORE_MEDIA_PURGE_METHOD": "GET",
    }
    with (
        served(tmp_path / "data", backends) as (base_url, _),
        caching_proxy(proxy_port, base_url, tmp_path / "nginx"),
        httpx.Client(base_url=base_url, timeout=10.0) as app,
        httpx.Client(timeout=10.0) as cdn,
    ):
        alice = signup(app, "alice")
        uploads = [
            app.post("/v1/media", headers={**alice.auth, "Content-Type": kind}, content=data).json()
            for data, kind in ((PNG, "image/png"), (MP4, "video/mp4"))
        ]
        image, video = (upload["url"] for upload in uploads)
        assert image.startswith(f"{proxy}/media/")

        first, second = cdn.get(image), cdn.get(image)
        assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
        assert second.content == PNG and second.headers["cache-control"] == IMMUTABLE
        revalidated = cdn.get(image, headers={"If-None-Match": second.headers["etag"]})
        assert revalidated.status_code == 304 and revalidated.headers["x-cache-status"] == "HIT"
        cdn.get(video)
        seek = cdn.get(video, headers={"Range": "bytes=100-199"})
        assert (seek.status_code, seek.headers["x-cache-status"]) == (206, "HIT")
        assert seek.content == MP4[100:200] and seek.headers["content-range"] == f"bytes 100-199/{len(MP4)}"

        post = app.post("/v1/posts", headers=alice.auth, json={"text": "pic", "media_ids": [uploads[0]["id"]]})
        assert app.delete(f"/v1/posts/{post.json()['id']}", headers=alice.auth).status_code == 204
        # the media consumer deletes the object, then asks nginx to refetch it: the 404 replaces it
        gone = eventually(lambda: (r := cdn.get(image)).status_code == 404 and r, timeout=30)
        assert gone.headers["x-cache-status"] == "HIT"
        assert_error(gone, 404, "not_found")
        assert cdn.get(video).status_code == 200  # the other object stays
