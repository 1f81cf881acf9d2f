"""A deterministic synthetic social network, generated in chunks (for ``feedctl seed`` and benchmarks).

The same :class:`NetworkSpec` always yields the same users, posts and follow edges, chunk by
chunk, so a load can be resumed and two runs compare. Pure Python; a chunk of users costs
memory in proportion to its edges and posts only.

Shape:

- user ``i`` (0-based) has handle ``u{i}`` and an id on that handle's logical shard;
- followers per user follow a power law: a ``hub_fraction`` of users ("hubs", the high-fan-out
  authors pulled at read time) have ``pull_threshold`` followers or more (Pareto, alpha 3),
  the rest a Pareto (alpha 2.2) scaled so the overall mean is near ``followers_mean``;
  followers are drawn uniformly, so following counts are near-Poisson;
- posts per user are skewed: half the users post nothing, the others a Pareto (alpha 1.6)
  number with mean ``2 * posts_per_user_mean``, spread over the ``days`` before ``end``;
- an ``active_fraction`` of users are active (their home feeds are materialised), chosen by hash;
- each active follower of an author likes each of the author's posts with ``like_probability``
  (a hash of the seed, the post and the user), a uniform delay after it of at most a day, and
  always before ``end``.

If hubs of at least ``pull_threshold`` followers cannot make up ``hub_fraction`` of the users
without exceeding half the follower mean (small networks, high thresholds), the hub fraction
is lowered: :attr:`NetworkSpec.effective_hub_fraction` says what was used.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator, Sequence

import attrs

from ..ids import EPOCH_MS, SEQUENCE_BITS, SHARD_BITS, shard_for_handle, shard_of
from ..model import Post, User

__all__ = ["Chunk", "NetworkSpec", "home_feeds"]

_HUB_ALPHA = 3.0
_REST_ALPHA = 2.2
_POST_ALPHA = 1.6
_MAX_POSTS = 4096
_MS_BITS = SHARD_BITS + SEQUENCE_BITS


def _id(ms: int, shard: int, sequence: int) -> int:
    return ((ms - EPOCH_MS) << _MS_BITS) | (shard << SEQUENCE_BITS) | sequence


def _mix(x: int) -> int:
    """splitmix64: a well-spread 64-bit hash of ``x``."""
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def _pareto(rng: random.Random, xmin: float, alpha: float) -> float:
    return float(xmin * (1.0 - rng.random()) ** (-1.0 / alpha))


@attrs.frozen
class Chunk:
    """Users ``start`` .. ``stop - 1`` with the posts they wrote and the edges to them."""

    start: int
    stop: int
    users: list[User]
    posts: list[Post]
    follows: list[tuple[int, int, float]]
    """(follower id, followee id, created_at): the followers of this chunk's users."""
    active: list[int]
    """Ids of this chunk's active users."""
    likes: list[tuple[int, int, float]] = attrs.field(factory=list)
    """(user id, post id, created_at): the likes of this chunk's posts."""


@attrs.frozen(kw_only=True)
class NetworkSpec:
    """What to generate. Times are seconds since the Unix epoch."""

    users: int = attrs.field(validator=attrs.validators.ge(2))
    seed: int = 0
    followers_mean: float = 75.0
    posts_per_user_mean: float = 4.0
    active_fraction: float = 0.10
    hub_fraction: float = 0.02
    pull_threshold: int = 10_000
    logical_shards: int = 16
    end: float = 1_780_000_000.0
    days: float = 7.0
    chunk_size: int = 2000
    like_probability: float = 0.3

    @property
    def effective_hub_fraction(self) -> float:
        """The share of hubs used: ``hub_fraction`` unless their followers would exceed half the mean."""
        if self.pull_threshold >= self.users:
            return 0.0
        hub_mean = min(self._hub_mean(), self.users - 1)
        return min(self.hub_fraction, 0.5 * self.followers_mean / hub_mean)

    def _hub_mean(self) -> float:
        return self.pull_threshold * _HUB_ALPHA / (_HUB_ALPHA - 1)

    @property
    def chunks(self) -> int:
        return -(-self.users // self.chunk_size)

    def user_id(self, i: int) -> int:
        """The id of user ``i``: on its handle's shard, created ``days`` + 30 days before ``end``."""
        ms = int((self.end - (self.days + 30) * 86400) * 1000) + i // 4096
        return _id(ms, shard_for_handle(f"u{i}", self.logical_shards), i % 4096)

    def user_ids(self) -> list[int]:
        return [self.user_id(i) for i in range(self.users)]

    def is_active(self, i: int) -> bool:
        """Whether user ``i`` is active: a hash of the seed and ``i``, so it is known without generating."""
        return _mix(self.seed * 1_000_003 + i) < self.active_fraction * 2**64

    def chunk(self, index: int, user_ids: Sequence[int] | None = None) -> Chunk:
        """Chunk ``index`` (of :attr:`chunks`); ``user_ids`` (from :meth:`user_ids`) saves recomputing them."""
        ids = user_ids if user_ids is not None else self.user_ids()
        start, stop = index * self.chunk_size, min(self.users, (index + 1) * self.chunk_size)
        rng = random.Random(f"{self.seed}:{index}")
        created = self.end - (self.days + 30) * 86400
        users, posts, follows, active, likes = [], [], [], [], []
        hubs = self.effective_hub_fraction
        rest_mean = max(1.0, (self.followers_mean - hubs * min(self._hub_mean(), self.users - 1)) / (1 - hubs))
        rest_xmin = rest_mean * (_REST_ALPHA - 1) / _REST_ALPHA
        for i in range(start, stop):
            uid = ids[i]
            if rng.random() < hubs:
                degree = _pareto(rng, self.pull_threshold, _HUB_ALPHA)
            else:
                degree = min(_pareto(rng, rest_xmin, _REST_ALPHA), self.pull_threshold - 1)
            degree = min(int(degree), self.users - 1)
            users.append(User(id=uid, handle=f"u{i}", display_name=f"User {i}", created_at=created))
            chosen = [f for f in rng.sample(range(self.users), degree + 1) if f != i][:degree]
            follows += [(ids[f], uid, created) for f in chosen]
            written = self._posts(rng, i, uid)
            posts += written
            likes += self._likes(written, [ids[f] for f in chosen if self.is_active(f)])
            if self.is_active(i):
                active.append(uid)
        return Chunk(start, stop, users, posts, follows, active, likes)

    def _likes(self, posts: Sequence[Post], likers: Sequence[int]) -> list[tuple[int, int, float]]:
        """Which of ``likers`` like which of ``posts``, and when: a hash below ``like_probability``
        decides, and its rank below that is the delay's share of the time left (at most a day)."""
        bound = self.like_probability * 2**64
        out = []
        for post in posts:
            salt = _mix(self.seed ^ post.id)
            left = min(self.end - post.created_at, 86400.0)
            for user_id in likers:
                h = _mix(salt ^ user_id)
                if h < bound:
                    out.append((user_id, post.id, post.created_at + left * (h / bound)))
        return out

    def _posts(self, rng: random.Random, i: int, author_id: int) -> list[Post]:
        if rng.random() < 0.5:
            return []
        mean = 2 * self.posts_per_user_mean
        xmin = mean * (_POST_ALPHA - 1) / _POST_ALPHA
        count = min(_MAX_POSTS, round(_pareto(rng, xmin, _POST_ALPHA)))
        # Unique ids without coordination: the sequence is i % 4096 and the millisecond is
        # congruent to i // 4096, so (ms, sequence) names the author; offsets are distinct per author.
        stride = -(-self.users // 4096)
        window = int(self.days * 86_400_000) // stride
        first_ms = int((self.end - self.days * 86400) * 1000)
        shard = shard_of(author_id)
        out = []
        for offset in rng.sample(range(window), min(count, window)):
            ms = first_ms + offset * stride + i // 4096
            pid = _id(ms, shard, i % 4096)
            out.append(Post(id=pid, author_id=author_id, text=f"post {offset} by u{i}", created_at=ms / 1000))
        return out

    def iter_chunks(self, user_ids: Sequence[int] | None = None) -> Iterator[Chunk]:
        ids = user_ids if user_ids is not None else self.user_ids()
        for index in range(self.chunks):
            yield self.chunk(index, ids)


def home_feeds(
    active: Sequence[int],
    followees: dict[int, list[int]],
    posts_by_author: dict[int, list[int]],
    pull_authors: set[int],
    max_len: int,
) -> Iterator[tuple[int, list[int]]]:
    """The home feed of each active user, as ``FeedService.rebuild`` would build it: the newest
    ``max_len`` posts of their own and of followees not in ``pull_authors``, newest first.
    ``posts_by_author`` lists each author's post ids newest first."""
    for uid in active:
        authors = [a for a in followees.get(uid, ()) if a not in pull_authors] + [uid]
        streams = [posts_by_author[a] for a in authors if a in posts_by_author]
        yield uid, list(itertools.islice(heapq.merge(*streams, reverse=True), max_len))
