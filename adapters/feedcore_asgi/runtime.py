"""The platform an app serves, opened once (at startup, or on first use), and the one place
where the app's synchronous core calls leave the event loop."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread

from feedcore import Platform, Settings

__all__ = ["PlatformHolder", "blocking"]

P = ParamSpec("P")
T = TypeVar("T")


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the synchronous ``fn`` on the worker thread pool. Every core call of the app goes
    through here, so the event loop never waits on a backend."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


class PlatformHolder:
    """A given platform (the caller closes it), or one opened from ``settings`` (else the
    ``FEEDCORE_*`` environment) on first use and closed by :meth:`close`."""

    def __init__(self, platform: Platform | None = None, settings: Settings | None = None) -> None:
        self._platform = platform
        self._owned = platform is None
        self._settings = settings
        self._lock = threading.Lock()

    def get(self) -> Platform:
        """The platform, opening it if needed (blocking: call it off the event loop)."""
        platform = self._platform
        if platform is None:
            with self._lock:
                if self._platform is None:
                    self._platform = Platform.open(self._settings or Settings.from_env())
                platform = self._platform
        return platform

    @property
    def opened(self) -> bool:
        """Whether :meth:`get` answers without opening (so without blocking)."""
        return self._platform is not None

    def close(self) -> None:
        with self._lock:
            if self._owned and self._platform is not None:
                self._platform.close()
                self._platform = None
