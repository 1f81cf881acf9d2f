"""TimelineCache on Redis: one sorted set per timeline, score = post id, member = padded id.

A sentinel member (score 0) marks the timeline as materialised, so an empty feed still counts;
``range`` never returns it and trimming never removes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ...ports.caches import Timeline, TimelineCache, TimelineSlice
from .client import RedisConnection, translated
from .keys import COMPLETE, PARTIAL, Keys, member
from .scripts import ADD, RANGE, REPLACE

__all__ = ["RedisTimelines"]

_KEYS_PER_CALL = 1000
_POSTS_PER_CALL = 500
_REPLACES_PER_PIPELINE = 200


def _pairs(post_ids: Sequence[int]) -> list[Any]:
    out: list[Any] = []
    for post_id in post_ids:
        out += (post_id, member(post_id))
    return out


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def _sentinel(complete: bool) -> bytes:
    return COMPLETE if complete else PARTIAL


def ttl_ms(ttl: float) -> int:
    """A TTL in whole milliseconds, at least 1 (Redis rejects 0)."""
    return max(1, math.ceil(ttl * 1000))


class RedisTimelines(RedisConnection, TimelineCache):
    _keys: Keys

    def add(
        self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int], max_len: int, partial: bool = False
    ) -> int:
        """One script call per chunk of keys (per hash slot in cluster mode), all pipelined."""
        keys = [self._keys.timeline(timeline, owner) for owner in dict.fromkeys(owner_ids)]
        if not keys:
            return 0
        key_chunks = [c for group in self._slot_groups(keys) for c in _chunks(group, _KEYS_PER_CALL)]
        post_chunks = [_pairs(c) for c in _chunks(sorted(set(post_ids)), _POSTS_PER_CALL)]

        def build(pipe: Any) -> None:
            for chunk in key_chunks:
                for args in post_chunks:  # (cluster pipelines refuse .evalsha(), not the command)
                    pipe.execute_command("EVALSHA", ADD.sha, len(chunk), *chunk, max_len, int(partial), *args)

        with translated("timeline add"):
            counts = self._pipelined(build)
        return sum(int(c) for c in counts[:: len(post_chunks)])  # each key chunk counted once

    def range(self, timeline: Timeline, owner_id: int, before: int | None, limit: int) -> TimelineSlice | None:
        return self.range_many([(timeline, owner_id)], before, limit)[0]

    def replace(
        self, timeline: Timeline, owner_id: int, post_ids: Sequence[int], ttl: float, complete: bool = False
    ) -> None:
        key = self._keys.timeline(timeline, owner_id)
        with translated("timeline replace"):
            if ttl <= 0:
                self._client.delete(key)
                return
            self._call(REPLACE, [key], [ttl_ms(ttl), 0, _sentinel(complete), *_pairs(post_ids)])

    def remove(self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int]) -> None:
        members = [member(p) for p in post_ids]
        if not members or not owner_ids:
            return

        def build(pipe: Any) -> None:
            for owner in owner_ids:
                pipe.zrem(self._keys.timeline(timeline, owner), *members)

        with translated("timeline remove"):
            self._pipelined(build)

    def touch(self, timeline: Timeline, owner_id: int, ttl: float) -> bool:
        with translated("timeline touch"):
            return bool(self._client.pexpire(self._keys.timeline(timeline, owner_id), ttl_ms(ttl)))

    def range_many(
        self, timelines: Sequence[tuple[Timeline, int]], before: int | None, limit: int, ttl: float | None = None
    ) -> list[TimelineSlice | None]:
        """One RANGE script call over every timeline (in cluster mode, one per hash slot, pipelined);
        the TTL refresh happens in the same call."""
        if not timelines:
            return []
        keys = [self._keys.timeline(timeline, owner) for timeline, owner in timelines]
        args = ["+inf", "", max(0, limit)] if before is None else [before, member(before), max(0, limit)]
        args.append("" if ttl is None else ttl_ms(ttl))
        groups = self._slot_groups(list(dict.fromkeys(keys)))
        with translated("timeline range"):
            if len(groups) == 1:
                replies = dict(zip(groups[0], self._call(RANGE, groups[0], args), strict=True))
            else:

                def build(pipe: Any) -> None:
                    for group in groups:
                        pipe.execute_command("EVALSHA", RANGE.sha, len(group), *group, *args)

                replies = {}
                for group, reply in zip(groups, self._pipelined(build), strict=True):
                    replies.update(zip(group, reply, strict=True))
        return [
            None if isinstance(r, int) else TimelineSlice([int(m) for m in r[1:]], r[0] == 1)
            for r in map(replies.__getitem__, keys)
        ]

    def replace_many(
        self, timeline: Timeline, post_ids: Mapping[int, Sequence[int]], ttl: float, complete: bool = False
    ) -> None:
        """Pipelined REPLACE script calls, a few hundred timelines per round trip."""
        owners = list(post_ids)
        if ttl <= 0:
            for part in _chunks(owners, _KEYS_PER_CALL):
                if part:
                    with translated("timeline replace"):
                        self._client.delete(*[self._keys.timeline(timeline, o) for o in part])
            return
        px, sentinel = ttl_ms(ttl), _sentinel(complete)
        for part in _chunks(owners, _REPLACES_PER_PIPELINE):

            def build(pipe: Any, part: Sequence[int] = part) -> None:
                for owner in part:
                    key = self._keys.timeline(timeline, owner)
                    pipe.execute_command("EVALSHA", REPLACE.sha, 1, key, px, 0, sentinel, *_pairs(post_ids[owner]))

            with translated("timeline replace"):
                self._pipelined(build)
