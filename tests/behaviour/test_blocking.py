"""Reads that must not wait on the store (the HTTP adapter's event loop) say so instead."""

from __future__ import annotations

import pytest

from feedcore import Platform, blocking
from tests.behaviour.helpers import home_ids, users


def test_a_cached_feed_page_needs_no_store_and_a_cold_one_says_it_would_block(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    post = platform.posts.create(alice.id, text="hello")
    assert home_ids(platform, bob) == [post.id]  # materialises bob's feed and caches what it shows
    with blocking.forbidden():
        assert [i.post.id for i in platform.feeds.home(bob.id).items] == [post.id]
        cold = platform.settings.database_url != "memory://"  # the memory store never blocks
        if cold:
            with pytest.raises(blocking.WouldBlock):
                platform.feeds.home(alice.id)  # never read: rebuilt from the store
    assert [i.post.id for i in platform.feeds.home(alice.id).items] == [post.id]


def test_would_block_passes_through_handlers_that_catch_exceptions() -> None:
    with blocking.forbidden(), pytest.raises(blocking.WouldBlock):
        try:
            blocking.check("a database call")
        except Exception:  # what a careless handler would write
            pytest.fail("WouldBlock must not be an Exception")
    blocking.check("allowed again outside the block")
