"""Media in S3 or an S3-compatible service (``s3://bucket/prefix?...``), through boto3.

URL query parameters (all optional):

- ``endpoint_url``: an S3-compatible service (MinIO, Ceph, moto); path-style addressing is
  used with it. Without it, AWS S3 in ``region``.
- ``region``: default ``us-east-1``.
- ``presign``: seconds; when set (and no ``media_base_url``), :meth:`S3MediaStore.url` gives
  presigned GET URLs valid that long. Default 0: plain object URLs (a public-read bucket).
- ``connect_timeout``, ``read_timeout`` (seconds, default 2 and 10) and ``max_attempts``
  (default 3, standard retry mode) bound how long a call can take when S3 is unreachable.

Object keys are ``prefix + settings.namespace + "/" + key``. Credentials come from boto3's
default chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, config files,
instance or container roles); none are read from the URL. The bucket is created on first use
if it does not exist.

Every put carries the content's SHA-256 (``ChecksumSHA256``), so S3 rejects bytes damaged on
the way; the checksum is also verified here before anything is sent.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
)

from ..errors import ConfigurationError, InvalidInput, NotFound, TooLarge, Unavailable
from ..ports.media import MediaStore
from ..settings import Settings
from ._explain import explain, fixes
from .memory.media import validate_key, validate_put

__all__ = ["S3MediaStore"]

_MISSING_KEY = {"NoSuchKey", "404", "NotFound"}
_MISSING_BUCKET = {"NoSuchBucket"}
_URL = "the media URL (media_url, FEEDCORE_MEDIA_URL)"
_FIXES = fixes(
    ("Could not connect to the endpoint|Connection refused", f"is the S3 endpoint up? Check endpoint_url in {_URL}"),
    ("NoSuchBucket", f"create the bucket (feedctl init) or fix its name in {_URL}"),
    (
        "AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|Forbidden",
        "check the AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and the bucket's policy",
    ),
    ("credentials", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"),
)
_CALLERS_FAULT = {
    "BadDigest",
    "InvalidDigest",
    "XAmzContentSHA256Mismatch",
    "InvalidRequest",
    "InvalidArgument",
    "KeyTooLongError",
}


class S3MediaStore(MediaStore):
    """Objects in one bucket under a prefix; safe to share between threads (one boto3 client)."""

    def __init__(
        self,
        bucket: str,
        settings: Settings | None = None,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        presign: int = 0,
        connect_timeout: float = 2.0,
        read_timeout: float = 10.0,
        max_attempts: int = 3,
    ) -> None:
        if not bucket:
            raise ConfigurationError("the S3 media URL needs a bucket: s3://bucket/prefix")
        if presign < 0 or connect_timeout <= 0 or read_timeout <= 0 or max_attempts < 1:
            raise ConfigurationError("S3 presign must be >= 0, timeouts > 0 and max_attempts >= 1")
        self.settings = settings or Settings()
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.region = region
        self.presign = presign
        config = Config(
            region_name=region,
            signature_version="s3v4",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
            max_pool_connections=32,
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        )
        self._client: Any = boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)
        self._lock = threading.Lock()
        self._bucket_ready = False

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> S3MediaStore:
        """``s3://bucket/prefix?endpoint_url=...&region=...&presign=3600``. Raises ConfigurationError."""
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint_url", "region", "presign", "connect_timeout", "read_timeout", "max_attempts"}
        if parts.scheme != "s3" or unknown:
            raise ConfigurationError(f"bad S3 media URL {url!r}" + (f": unknown {sorted(unknown)}" if unknown else ""))
        try:
            return cls(
                parts.netloc,
                settings,
                prefix=parts.path,
                endpoint_url=query.get("endpoint_url"),
                region=query.get("region", "us-east-1"),
                presign=int(query.get("presign", "0")),
                connect_timeout=float(query.get("connect_timeout", "2")),
                read_timeout=float(query.get("read_timeout", "10")),
                max_attempts=int(query.get("max_attempts", "3")),
            )
        except ValueError as exc:
            raise ConfigurationError(f"bad S3 media URL {url!r}: {exc}") from exc

    def object_key(self, key: str) -> str:
        """The S3 key of media ``key``: prefix + namespace + "/" + key."""
        return f"{self.prefix}{self.settings.namespace}/{validate_key(key)}"

    # -- MediaStore --------------------------------------------------------------------------

    def put(self, key: str, data: bytes, content_type: str, checksum: str) -> None:
        """Raises InvalidInput (bad key or checksum; nothing stored), TooLarge, Unavailable."""
        content_type = validate_put(key, data, content_type, checksum, self.settings.max_media_bytes)
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        request = {
            "Bucket": self.bucket,
            "Key": self.object_key(key),
            "Body": bytes(data),
            "ContentType": content_type,
            "ChecksumSHA256": digest,
        }
        self._ensure_bucket()
        try:
            with _translated(f"put {key!r}"):
                self._client.put_object(**request)
        except Unavailable as exc:
            if _code(exc.__cause__) not in _MISSING_BUCKET:
                raise
            self._bucket_ready = False  # deleted behind our back: create it again, once
            self._ensure_bucket()
            with _translated(f"put {key!r}"):
                self._client.put_object(**request)

    def get(self, key: str) -> tuple[bytes, str]:
        """Raises NotFound, InvalidInput (bad key) or Unavailable."""
        object_key = self.object_key(key)
        with _translated(f"get {key!r}"):
            try:
                response = self._client.get_object(Bucket=self.bucket, Key=object_key)
            except ClientError as exc:
                if _code(exc) in _MISSING_KEY | _MISSING_BUCKET:
                    raise NotFound(f"no media object {key!r}") from exc
                raise
            body = response["Body"]
            try:
                data = body.read()
            finally:
                body.close()
        return data, str(response.get("ContentType") or "application/octet-stream")

    def delete(self, key: str) -> None:
        """No error if absent (S3's delete is idempotent). Raises Unavailable."""
        object_key = self.object_key(key)
        with _translated(f"delete {key!r}"):
            try:
                self._client.delete_object(Bucket=self.bucket, Key=object_key)
            except ClientError as exc:
                if _code(exc) not in _MISSING_KEY | _MISSING_BUCKET:
                    raise

    def url(self, key: str) -> str:
        """The CDN URL (``media_base_url`` + object key) if configured; else a presigned GET
        URL valid ``presign`` seconds; else the plain object URL at the endpoint."""
        object_key = self.object_key(key)
        if self.settings.media_base_url:
            return f"{self.settings.media_base_url.rstrip('/')}/{quote(object_key)}"
        if self.presign:
            with _translated("presign"):
                return str(
                    self._client.generate_presigned_url(
                        "get_object", Params={"Bucket": self.bucket, "Key": object_key}, ExpiresIn=self.presign
                    )
                )
        endpoint = str(self._client.meta.endpoint_url).rstrip("/")
        return f"{endpoint}/{quote(self.bucket)}/{quote(object_key)}"

    # -- Backend -----------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create the bucket if missing. Raises Unavailable."""
        self._bucket_ready = False
        self._ensure_bucket()

    def check(self) -> None:
        """Raises Unavailable unless the bucket answers now."""
        with _translated("check"):
            self._client.head_bucket(Bucket=self.bucket)

    def close(self) -> None:
        self._client.close()

    # -- internals ---------------------------------------------------------------------------

    def _ensure_bucket(self) -> None:
        """Create the bucket the first time it is needed (a no-op afterwards)."""
        if self._bucket_ready:
            return
        with self._lock, _translated("create bucket"):
            if self._bucket_ready:
                return
            try:
                self._client.head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                if _code(exc) not in {"404", "NoSuchBucket", "NotFound"}:
                    raise
                extra = (
                    {}
                    if self.region == "us-east-1"
                    else {"CreateBucketConfiguration": {"LocationConstraint": self.region}}
                )
                try:
                    self._client.create_bucket(Bucket=self.bucket, **extra)
                except ClientError as create_exc:
                    if _code(create_exc) != "BucketAlreadyOwnedByYou":
                        raise
            self._bucket_ready = True


def _code(exc: BaseException | None) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


@contextmanager
def _translated(what: str) -> Iterator[None]:
    """Re-raise botocore errors as feedcore's: the caller's fault as InvalidInput/TooLarge,
    missing credentials as ConfigurationError, everything else as Unavailable."""
    try:
        yield
    except ClientError as exc:
        code = _code(exc)
        if code == "EntityTooLarge":
            raise TooLarge(f"S3 {what}: object too large") from exc
        if code in _CALLERS_FAULT:
            raise InvalidInput(f"S3 {what} rejected ({code}): {exc}") from exc
        raise Unavailable(f"S3 {what} failed ({code or 'error'}): {explain(exc, _FIXES)}") from exc
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise ConfigurationError(f"S3 {what}: no usable AWS credentials: {explain(exc, _FIXES)}") from exc
    except BotoCoreError as exc:
        raise Unavailable(f"S3 {what} failed: {explain(exc, _FIXES)}") from exc
