"""The core's input rules (feedcore.validation) on every platform kind: text the stores cannot
hold, invisible text, direction-changing names, ids of every wrong kind, handles that read as
ids or routes. Each case is refused with InvalidInput or NotFound, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from feedcore import Platform, User
from feedcore.errors import InvalidInput, NotFound, Unauthorized

from .helpers import PASSWORD, users

LONE_SURROGATE = "bad \ud800 text"
INVISIBLE = ["\u200b", "\u200b\u200c\u2060", "\u3164\u3164", " \u0301 ", "\ufeff", "\u2800"]
BIDI = ["\u202eevil", "ab\u202dc", "x\u2066y\u2069", "\u200fname", "a\u061cb"]


@pytest.fixture
def alice(platform: Platform) -> User:
    return users(platform, "alice")[0]


def test_lone_surrogates_are_refused_everywhere(platform: Platform, alice: User) -> None:
    post = platform.posts.create(alice.id, "fine")
    writes: list[Callable[[], object]] = [
        lambda: platform.posts.create(alice.id, LONE_SURROGATE),
        lambda: platform.posts.edit(alice.id, post.id, LONE_SURROGATE),
        lambda: platform.interactions.comment(alice.id, post.id, LONE_SURROGATE),
        lambda: platform.users.update_profile(alice.id, display_name=LONE_SURROGATE),
        lambda: platform.users.update_profile(alice.id, bio=LONE_SURROGATE),
        lambda: platform.users.register("bob", PASSWORD, display_name=LONE_SURROGATE),
        lambda: platform.users.register("bob", PASSWORD + "\ud800"),
    ]
    for write in writes:
        with pytest.raises(InvalidInput) as caught:
            write()
        assert caught.value.code == "invalid_text" or "surrogate" in caught.value.message
    with pytest.raises(Unauthorized):
        platform.auth.login("\ud800lice", PASSWORD)
    with pytest.raises(Unauthorized):
        platform.auth.login("alice", "\ud800" * 12)
    with pytest.raises(NotFound):
        platform.users.by_handle("\ud800")
    assert platform.posts.get(post.id).text == "fine"
    assert platform.users.get(alice.id).display_name == "alice"
    with pytest.raises(NotFound):
        platform.users.by_handle("bob")


@pytest.mark.parametrize("text", ["nul\x00byte", "bell\x07", "esc\x1b[31m"])
def test_control_characters_are_refused(platform: Platform, alice: User, text: str) -> None:
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, text)


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_only_text_is_refused(platform: Platform, alice: User, text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        platform.posts.create(alice.id, text)
    assert caught.value.code == "empty_text"
    with pytest.raises(InvalidInput):
        platform.users.update_profile(alice.id, display_name=text)


def test_text_is_normalised_and_bounded_after_normalising(platform: Platform, alice: User) -> None:
    post = platform.posts.create(alice.id, "  cafe\u0301\r\nline two\u200b  ")
    assert post.text == "caf\u00e9\nline two\u200b"  # NFC, \r\n unified, stripped; inner marks kept
    assert platform.posts.get(post.id).text == post.text
    exactly = "e\u0301" * platform.settings.max_post_length  # 2x the limit in code points, 1x after NFC
    assert len(platform.posts.create(alice.id, exactly).text) == platform.settings.max_post_length
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, "x" * (platform.settings.max_post_length + 1))


@pytest.mark.parametrize("name", BIDI)
def test_direction_changing_display_names_are_refused(platform: Platform, alice: User, name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        platform.users.update_profile(alice.id, display_name=name)
    assert "U+" in caught.value.message
    with pytest.raises(InvalidInput):
        platform.users.register("bob", PASSWORD, display_name=name)
    assert platform.users.get(alice.id).display_name == "alice"


def test_display_names_keep_scripts_and_emoji(platform: Platform, alice: User) -> None:
    wide = "\uff37\uff49\uff44\uff45"  # fullwidth "Wide"
    for name, kept in [("Zoë 🎉", "Zoë 🎉"), ("עברית", "עברית"), (wide, "Wide"), ("  two   spaces ", "two spaces")]:
        assert platform.users.update_profile(alice.id, display_name=name).display_name == kept


@pytest.mark.parametrize("handle", ["12345", "000", "me", "Admin", "settings", "api", "users"])
def test_handles_that_read_as_ids_or_routes_are_refused(platform: Platform, handle: str) -> None:
    with pytest.raises(InvalidInput):
        platform.users.register(handle, PASSWORD)


def test_an_id_shaped_handle_cannot_shadow_a_user(platform: Platform, alice: User) -> None:
    with pytest.raises(InvalidInput):
        platform.users.register(str(alice.id), PASSWORD)
    assert platform.users.resolve(str(alice.id)).id == alice.id


BAD_IDS: list[tuple[object, type[Exception]]] = [
    (10**30, NotFound),
    (2**63, NotFound),
    (0, NotFound),
    (-5, NotFound),
    ("385431547865493504", InvalidInput),
    ("abc", InvalidInput),
    (1.5, InvalidInput),
    (True, InvalidInput),
    (None, InvalidInput),
]


@pytest.mark.parametrize(("bad", "error"), BAD_IDS, ids=repr)
def test_bad_ids_are_not_found_or_invalid_never_a_crash(
    platform: Platform, alice: User, bad: object, error: type[Exception]
) -> None:
    post = platform.posts.create(alice.id, "hello")
    calls: list[Callable[[], object]] = [
        lambda: platform.posts.get(bad),  # type: ignore[arg-type]
        lambda: platform.posts.edit(alice.id, bad, "x"),  # type: ignore[arg-type]
        lambda: platform.posts.delete(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.users.get(bad),  # type: ignore[arg-type]
        lambda: platform.graph.follow(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.graph.unfollow(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.graph.is_following(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.graph.followers(bad),  # type: ignore[arg-type]
        lambda: platform.interactions.like(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.interactions.unlike(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.interactions.comment(alice.id, bad, "x"),  # type: ignore[arg-type]
        lambda: platform.interactions.comments(bad),  # type: ignore[arg-type]
        lambda: platform.interactions.delete_comment(alice.id, bad),  # type: ignore[arg-type]
        lambda: platform.interactions.like(bad, post.id),  # type: ignore[arg-type]
        lambda: platform.feeds.home(bad),  # type: ignore[arg-type]
        lambda: platform.feeds.timeline(bad),  # type: ignore[arg-type]
        lambda: platform.media.get(bad),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(error):
            call()
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, "with media", [bad])  # type: ignore[list-item]
    assert platform.posts.get(post.id).like_count == 0


def test_a_string_id_names_the_fix(platform: Platform, alice: User) -> None:
    post = platform.posts.create(alice.id, "hello")
    with pytest.raises(InvalidInput, match=rf"int\('{post.id}'\)"):
        platform.posts.get(str(post.id))  # type: ignore[arg-type]
    assert platform.posts.get(int(str(post.id))).id == post.id


def test_resolve_names_users_by_id_or_handle(platform: Platform, alice: User) -> None:
    assert platform.users.resolve(f"@{alice.handle}").id == alice.id
    for text in ("99999999999999999999999", "9" * 5000, "@\ud800"):
        with pytest.raises(NotFound):
            platform.users.resolve(text)
    with pytest.raises(InvalidInput):
        platform.users.resolve(12)  # type: ignore[arg-type]
