"""The MediaStore contract, once, for every backend (see tests/fixtures/media.py)."""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from feedcore.backends.files import FileMediaStore
from feedcore.backends.memory.media import MemoryMediaStore
from feedcore.errors import InvalidInput, NotFound, TooLarge
from feedcore.ports.media import MediaStore
from feedcore.settings import Settings

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
GIF = b"GIF89a" + b"\x00\x01" * 100


def put(store: MediaStore, key: str, data: bytes, content_type: str = "image/png") -> None:
    store.put(key, data, content_type, hashlib.sha256(data).hexdigest())


def test_round_trip_keeps_bytes_and_content_type(media_store: MediaStore) -> None:
    put(media_store, "123/456.png", PNG)
    assert media_store.get("123/456.png") == (PNG, "image/png")


def test_overwrite_replaces_bytes_and_content_type(media_store: MediaStore) -> None:
    put(media_store, "1/2.bin", PNG)
    put(media_store, "1/2.bin", GIF, "image/gif")
    assert media_store.get("1/2.bin") == (GIF, "image/gif")


def test_keys_are_independent(media_store: MediaStore) -> None:
    put(media_store, "1/a.png", PNG)
    put(media_store, "1/b.gif", GIF, "image/gif")
    media_store.delete("1/a.png")
    assert media_store.get("1/b.gif") == (GIF, "image/gif")


def test_delete_is_idempotent(media_store: MediaStore) -> None:
    put(media_store, "7/8.png", PNG)
    media_store.delete("7/8.png")
    media_store.delete("7/8.png")
    media_store.delete("never/stored.png")
    with pytest.raises(NotFound):
        media_store.get("7/8.png")


def test_get_missing_raises_not_found(media_store: MediaStore) -> None:
    with pytest.raises(NotFound):
        media_store.get("404/missing.png")


def test_bad_checksum_is_rejected_and_nothing_stored(media_store: MediaStore) -> None:
    with pytest.raises(InvalidInput):
        media_store.put("9/bad.png", PNG, "image/png", hashlib.sha256(b"other bytes").hexdigest())
    with pytest.raises(InvalidInput):
        media_store.put("9/bad.png", PNG, "image/png", "not-a-checksum")
    with pytest.raises(NotFound):
        media_store.get("9/bad.png")


def test_bad_checksum_leaves_previous_object(media_store: MediaStore) -> None:
    put(media_store, "9/kept.png", PNG)
    with pytest.raises(InvalidInput):
        media_store.put("9/kept.png", GIF, "image/gif", hashlib.sha256(PNG).hexdigest())
    assert media_store.get("9/kept.png") == (PNG, "image/png")


@pytest.mark.parametrize("key", ["../escape.png", "a/../../b.png", "/etc/passwd", "", "a//b", "./a", "a\\b", ".hidden"])
def test_keys_that_could_escape_are_rejected(media_store: MediaStore, key: str) -> None:
    with pytest.raises(InvalidInput):
        put(media_store, key, PNG)
    with pytest.raises(InvalidInput):
        media_store.get(key)


def test_over_the_size_limit_is_refused(media_store: MediaStore) -> None:
    limit = media_store.settings.max_media_bytes  # type: ignore[attr-defined]
    data = b"\0" * (limit + 1)
    with pytest.raises(TooLarge):
        put(media_store, "big/one.bin", data, "application/octet-stream")
    with pytest.raises(NotFound):
        media_store.get("big/one.bin")


def test_url_is_fetchable(media_store: MediaStore) -> None:
    put(media_store, "55/66.png", PNG)
    url = media_store.url("55/66.png")
    assert url
    if isinstance(media_store, (MemoryMediaStore, FileMediaStore)):
        # No public base configured: the app route, which serves the object through get().
        assert url == "/media/55/66.png"
        return
    assert urlsplit(url).hostname == "127.0.0.1"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.read() == PNG


def test_concurrent_puts_from_threads(media_store: MediaStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(5):
                data = PNG + bytes([n, i])
                put(media_store, f"t{n}/{i}.png", data)
                assert media_store.get(f"t{n}/{i}.png")[0] == data
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert all(not t.is_alive() for t in threads)


@pytest.mark.parametrize("store_class", [MemoryMediaStore, FileMediaStore])
def test_app_route_urls_use_the_public_base_when_configured(
    store_class: type[MemoryMediaStore | FileMediaStore], tmp_path: Path
) -> None:
    url = (tmp_path / "media").as_uri() if store_class is FileMediaStore else "memory://"
    store = store_class.from_url(url, Settings(media_base_url="https://cdn.example.test/m/"))
    assert store.url("1/2 3.png") == "https://cdn.example.test/m/1/2%203.png"


def test_file_store_keeps_plain_files_under_its_directory(tmp_path: Path) -> None:
    store = FileMediaStore.from_url(tmp_path.as_uri(), Settings())
    put(store, "10/20.png", PNG)
    assert (tmp_path / "10" / "20.png").read_bytes() == PNG
    assert sorted(p.name for p in (tmp_path / "10").iterdir()) == [".20.png.meta", "20.png"]
    store.delete("10/20.png")
    assert list((tmp_path / "10").iterdir()) == []
