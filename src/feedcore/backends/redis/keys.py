"""Key names. Every key starts with the namespace and carries a hash tag (``{...}``) around
the id it is about, so one logical operation touches one Redis Cluster slot (the days of
active users share one tag, so a count may union them)."""

from __future__ import annotations

import attrs

from ...ports.caches import Timeline

__all__ = ["COMPLETE", "PARTIAL", "Keys", "member"]

PARTIAL = b"0"
"""The sentinel member (score 0) that marks a timeline as materialised, even when it holds no
posts; this one says the store may have older posts than the timeline holds."""
COMPLETE = b"c"
"""The sentinel of a timeline that holds every post the store has for it."""


def member(post_id: int) -> str:
    """A post id as a sorted-set member: zero-padded, so equal scores sort by id exactly.

    Scores are doubles (exact only up to 2**53) while ids use 63 bits; ties between ids that
    round to the same score are broken by the member, which must therefore sort like the id.
    """
    return f"{post_id:019d}"


@attrs.frozen
class Keys:
    namespace: str

    def timeline(self, timeline: Timeline, owner_id: int) -> str:
        return f"{self.namespace}:tl:{timeline.value}:{{{owner_id}}}"

    def content(self, kind: str, id_: int) -> str:
        return f"{self.namespace}:c:{kind}:{{{id_}}}"

    def failures(self, key: str) -> str:
        return f"{self.namespace}:lf:{{{key}}}"

    def rate(self, key: str) -> str:
        return f"{self.namespace}:rl:{{{key}}}"

    def active(self, day: int) -> str:
        """Every day's key carries the same tag, so one PFCOUNT may union any of them."""
        return f"{self.namespace}:au:{{active}}:{day}"
