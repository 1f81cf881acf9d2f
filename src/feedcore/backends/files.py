"""Media in a local directory (``file:///absolute/dir``): the embedded default.

An object with key ``"123/456.png"`` is the plain file ``<dir>/123/456.png``, so any static
file server can serve the directory as it is. Its content type is kept beside it in a small
JSON sidecar, ``<dir>/123/.456.png.meta``; keys never have segments starting with ``.``, so
sidecars and temporary files cannot clash with objects.

Writes are atomic: each file is written to a temporary file in the same directory, flushed
to disk and moved into place with :func:`os.replace`, so a reader sees the old object or the
new one, never part of one. Within a process the data file and its sidecar change together
(a lock covers the two renames and the two opens of a read); another process writing the same
key at the same moment can briefly pair new bytes with the old content type.
"""

from __future__ import annotations

import json
import mimetypes
import os
import tempfile
import threading
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..errors import ConfigurationError, InvalidInput, NotFound, Unavailable
from ..ports.media import MediaStore
from ..settings import Settings
from .memory.media import DEFAULT_CONTENT_TYPE, app_url, validate_key, validate_put

__all__ = ["FileMediaStore"]

_SIDECAR = ".{}.meta"


class FileMediaStore(MediaStore):
    """Objects as files under ``root``; safe to share between threads."""

    def __init__(self, root: str | os.PathLike[str], settings: Settings | None = None) -> None:
        self.root = Path(root)
        if not self.root.is_absolute():
            raise ConfigurationError(f"media directory must be an absolute path, got {str(root)!r}")
        self.settings = settings or Settings()
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> FileMediaStore:
        """``file:///var/media`` (or ``file://localhost/var/media``). Raises ConfigurationError."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not parts.path:
            raise ConfigurationError(f"media URL must look like file:///absolute/dir, got {url!r}")
        return cls(url2pathname(unquote(parts.path)), settings)

    # -- MediaStore --------------------------------------------------------------------------

    def put(self, key: str, data: bytes, content_type: str, checksum: str) -> None:
        """Raises InvalidInput (bad key or checksum; nothing written), TooLarge, Unavailable."""
        content_type = validate_put(key, data, content_type, checksum, self.settings.max_media_bytes)
        path, sidecar = self._paths(key)
        meta = json.dumps({"content_type": content_type}).encode()
        temps: list[str] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_write_temp(path.parent, data))
            temps.append(_write_temp(path.parent, meta))
            with self._lock:
                os.replace(temps[-1], sidecar)
                temps.pop()
                os.replace(temps[-1], path)
                temps.pop()
            _fsync_dir(path.parent)
        except (NotADirectoryError, IsADirectoryError, FileExistsError) as exc:
            raise InvalidInput(f"media key {key!r} clashes with another key's directory", code="bad_media_key") from exc
        except OSError as exc:
            raise Unavailable(f"cannot write media {key!r} under {self.root}: {exc}") from exc
        finally:
            for name in temps:
                _discard(name)

    def get(self, key: str) -> tuple[bytes, str]:
        """Raises NotFound, InvalidInput (bad key) or Unavailable."""
        path, sidecar = self._paths(key)
        try:
            with self._lock:
                data_file = open(path, "rb")  # noqa: SIM115 - closed below, read outside the lock
                try:
                    meta_file = _open_optional(sidecar)
                except OSError:
                    data_file.close()
                    raise
            with data_file:
                data = data_file.read()
            content_type = _read_content_type(meta_file, path)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            raise NotFound(f"no media object {key!r}") from exc
        except OSError as exc:
            raise Unavailable(f"cannot read media {key!r} under {self.root}: {exc}") from exc
        return data, content_type

    def delete(self, key: str) -> None:
        """Remove the object and its sidecar; no error if absent. Raises Unavailable."""
        path, sidecar = self._paths(key)
        try:
            with self._lock:
                for victim in (path, sidecar):
                    try:
                        victim.unlink()
                    except (FileNotFoundError, NotADirectoryError):
                        pass
        except OSError as exc:
            raise Unavailable(f"cannot delete media {key!r} under {self.root}: {exc}") from exc

    def url(self, key: str) -> str:
        return app_url(self.settings, key)

    # -- Backend -----------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create the directory. Raises Unavailable if that is impossible."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unavailable(f"cannot create media directory {self.root}: {exc}") from exc

    def check(self) -> None:
        """Raises Unavailable unless the directory exists and is writable."""
        if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise Unavailable(f"media directory {self.root} is missing or not writable")

    def close(self) -> None:
        """Nothing to release: files are opened per call."""

    # -- internals ---------------------------------------------------------------------------

    def _paths(self, key: str) -> tuple[Path, Path]:
        """The data file and sidecar for ``key``; both inside ``root`` (validated)."""
        path = self.root.joinpath(*validate_key(key).split("/"))
        return path, path.with_name(_SIDECAR.format(path.name))


def _write_temp(directory: Path, content: bytes) -> str:
    """Write ``content`` to a new hidden temporary file in ``directory``, flushed to disk."""
    fd, name = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        _discard(name)
        raise
    return name


def _discard(name: str) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def _fsync_dir(directory: Path) -> None:
    """Make the renames durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _open_optional(path: Path) -> IO[bytes] | None:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        return None


def _read_content_type(meta_file: IO[bytes] | None, path: Path) -> str:
    """The stored content type, or a guess from the name for a file placed by hand."""
    if meta_file is not None:
        with meta_file:
            raw = meta_file.read()
        try:
            content_type = json.loads(raw)["content_type"]
            if isinstance(content_type, str) and content_type:
                return content_type
        except (ValueError, KeyError, TypeError):
            pass
    return mimetypes.guess_type(path.name)[0] or DEFAULT_CONTENT_TYPE
