"""S3MediaStore beyond the shared contract: URLs, object layout, buckets, unreachable S3."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from feedcore.backends.s3 import S3MediaStore
from feedcore.errors import ConfigurationError, Unavailable
from feedcore.settings import Settings
from tests.fixtures.media import S3MediaFactory, fresh_name
from tests.fixtures.services import free_port

pytestmark = pytest.mark.integration

DATA = b"\x89PNG\r\n\x1a\n" + b"pixels" * 50


def put(store: S3MediaStore, key: str, data: bytes = DATA) -> None:
    store.put(key, data, "image/png", hashlib.sha256(data).hexdigest())


def raw_client(endpoint: str) -> object:
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", config=Config(s3={"addressing_style": "path"})
    )


def test_cdn_base_url_is_used_when_configured(s3_media_factory: S3MediaFactory) -> None:
    settings = Settings(namespace=fresh_name("ns"), media_base_url="https://cdn.example.test/assets/")
    store = s3_media_factory(settings, prefix="media", presign=600)
    put(store, "12/34.png")
    assert store.url("12/34.png") == f"https://cdn.example.test/assets/media/{settings.namespace}/12/34.png"


def test_objects_live_under_prefix_and_namespace(s3_media_factory: S3MediaFactory, s3_endpoint: str) -> None:
    store = s3_media_factory(prefix="deep/prefix")
    put(store, "1/2.png")
    client = raw_client(s3_endpoint)
    listing = client.list_objects_v2(Bucket=store.bucket)  # type: ignore[attr-defined]
    assert [o["Key"] for o in listing["Contents"]] == [f"deep/prefix/{store.settings.namespace}/1/2.png"]
    head = client.head_object(Bucket=store.bucket, Key=store.object_key("1/2.png"))  # type: ignore[attr-defined]
    assert head["ContentType"] == "image/png"


def test_presigned_url_expires_as_configured(s3_media_factory: S3MediaFactory) -> None:
    store = s3_media_factory(presign=120)
    query = parse_qs(urlsplit(store.url("5/6.png")).query)
    assert query["X-Amz-Expires"] == ["120"]


def test_plain_url_without_presign_or_cdn(s3_media_factory: S3MediaFactory, s3_endpoint: str) -> None:
    store = s3_media_factory()
    assert store.url("5/6.png") == f"{s3_endpoint}/{store.bucket}/{store.object_key('5/6.png')}"


def test_bucket_is_created_on_first_use_and_again_if_deleted(
    s3_media_factory: S3MediaFactory, s3_endpoint: str
) -> None:
    store = s3_media_factory()
    put(store, "1/1.png")
    store.check()
    client = raw_client(s3_endpoint)
    client.delete_object(Bucket=store.bucket, Key=store.object_key("1/1.png"))  # type: ignore[attr-defined]
    client.delete_bucket(Bucket=store.bucket)  # type: ignore[attr-defined]
    with pytest.raises(Unavailable):
        store.check()
    put(store, "1/2.png")
    assert store.get("1/2.png")[0] == DATA


def test_migrate_is_idempotent(s3_media_factory: S3MediaFactory) -> None:
    store = s3_media_factory()
    store.migrate()
    put(store, "1/2.png")
    store.migrate()  # the bucket exists: it is neither an error nor emptied
    store.check()
    assert store.get("1/2.png") == (DATA, "image/png")


def test_unreachable_endpoint_is_unavailable_quickly(aws_credentials: None) -> None:
    port = free_port()  # nothing listens there
    url = f"s3://feedcore-test/media?endpoint_url=http://127.0.0.1:{port}&connect_timeout=0.5&read_timeout=1&max_attempts=2"
    store = S3MediaStore.from_url(url, Settings())
    try:
        for call in (
            store.check,
            lambda: put(store, "1/2.png"),
            lambda: store.get("1/2.png"),
            lambda: store.delete("1/2.png"),
        ):
            start = time.monotonic()
            with pytest.raises(Unavailable) as info:
                call()
            assert time.monotonic() - start < 5.0
            assert info.value.__cause__ is not None
    finally:
        store.close()


@pytest.mark.parametrize(
    "url",
    [
        "s3:///no-bucket",
        "s3://bucket?presign=soon",
        "s3://bucket?max_attempts=0",
        "s3://bucket?unknown_option=1",
    ],
)
def test_bad_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        S3MediaStore.from_url(url, Settings())


def test_silent_endpoint_times_out_within_the_configured_bound(aws_credentials: None) -> None:
    # A socket that accepts connections (the kernel's backlog) but never answers: read timeouts.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        url = f"s3://feedcore-test?endpoint_url=http://127.0.0.1:{port}&connect_timeout=0.5&read_timeout=0.5&max_attempts=2"
        store = S3MediaStore.from_url(url, Settings())
        try:
            start = time.monotonic()
            with pytest.raises(Unavailable):
                store.get("1/2.png")
            elapsed = time.monotonic() - start
        finally:
            store.close()
    assert 0.5 <= elapsed < 5.0


def test_missing_credentials_are_a_configuration_error(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    store = S3MediaStore.from_url(f"s3://feedcore-test?endpoint_url=http://127.0.0.1:{free_port()}", Settings())
    try:
        with pytest.raises(ConfigurationError):
            put(store, "1/2.png")
    finally:
        store.close()
