"""ContentCache on Redis: plain string keys with expiry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from redis.cluster import RedisCluster

from ...ports.caches import ContentCache
from .client import RedisConnection, translated
from .keys import Keys
from .timelines import ttl_ms

__all__ = ["RedisContent"]


class RedisContent(RedisConnection, ContentCache):
    _keys: Keys

    def get_many(self, kind: str, ids: Iterable[int]) -> dict[int, bytes]:
        return self.get_groups({kind: ids})[kind]

    def get_groups(self, wanted: Mapping[str, Iterable[int]]) -> dict[str, dict[int, bytes]]:
        """One MGET for every kind (in cluster mode, one round trip per node that holds some)."""
        pairs = [(kind, i) for kind, ids in wanted.items() for i in dict.fromkeys(ids)]
        found: dict[str, dict[int, bytes]] = {kind: {} for kind in wanted}
        if not pairs:
            return found
        keys = [self._keys.content(kind, i) for kind, i in pairs]
        with translated("content get"):
            client = self._client
            values = client.mget_nonatomic(keys) if isinstance(client, RedisCluster) else self._command("MGET", *keys)
        values = cast("list[bytes | None]", values)  # the client never decodes responses
        for (kind, i), value in zip(pairs, values, strict=True):
            if value is not None:
                found[kind][i] = value
        return found

    def set_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        if ttl <= 0:
            self.delete_many(kind, values)
            return
        self._set(kind, values, ttl, only_new=False)

    def add_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        if ttl > 0:
            self._set(kind, values, ttl, only_new=True)

    def _set(self, kind: str, values: Mapping[int, bytes], ttl: float, only_new: bool) -> None:
        """SET (NX when ``only_new``) each value with ``ttl``, in one round trip."""
        if not values:
            return
        px = ttl_ms(ttl)
        if len(values) == 1:  # a new post, say: a plain SET is cheaper than a pipeline
            ((id_, value),) = values.items()
            with translated("content set"):
                self._command("SET", self._keys.content(kind, id_), value, "PX", px, *(("NX",) if only_new else ()))
            return

        def build(pipe: Any) -> None:
            for id_, value in values.items():
                pipe.set(self._keys.content(kind, id_), value, px=px, nx=only_new)

        with translated("content set"):
            self._pipelined(build)

    def delete_many(self, kind: str, ids: Iterable[int]) -> None:
        keys = [self._keys.content(kind, i) for i in dict.fromkeys(ids)]
        if keys:
            with translated("content delete"):
                self._client.delete(*keys)
