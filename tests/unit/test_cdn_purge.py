"""The CDN purge hook against a real HTTP endpoint on loopback: what it sends, what counts as done."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from feedcore import Settings
from feedcore.cdn import purge
from feedcore.errors import Unavailable
from tests.fixtures.services import free_port


class _Endpoint(BaseHTTPRequestHandler):
    status = 200
    seen: list[tuple[str, str]] = []

    def _answer(self) -> None:
        self.seen.append((self.command, self.path))
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_GET = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    _Endpoint.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_no_purge_url_no_request() -> None:
    purge(Settings(), "1/2-abc.png")  # returns without a request


@pytest.mark.parametrize("status", [200, 204, 404])
def test_the_key_is_purged_with_the_configured_method(endpoint: str, status: int) -> None:
    _Endpoint.status = status
    purge(Settings(media_purge_url=f"{endpoint}/edge/{{key}}"), "12/34-ab cd.png")
    purge(Settings(media_purge_url=f"{endpoint}/purge/media/{{key}}", media_purge_method="GET"), "5/6.mp4")
    assert _Endpoint.seen == [("PURGE", "/edge/12/34-ab%20cd.png"), ("GET", "/purge/media/5/6.mp4")]


def test_a_failing_or_absent_endpoint_is_unavailable_so_the_event_comes_again(endpoint: str) -> None:
    _Endpoint.status = 503
    with pytest.raises(Unavailable, match="answered 503"):
        purge(Settings(media_purge_url=f"{endpoint}/{{key}}"), "1/2.png")
    with pytest.raises(Unavailable, match="failed"):
        purge(Settings(media_purge_url=f"http://127.0.0.1:{free_port()}/{{key}}"), "1/2.png")
