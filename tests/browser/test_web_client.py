"""The web client in a real browser against a real server: the journey of two users, infinite
scroll, a 429 shown as such, logging out, and an accessibility pass on every main screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from .conftest import png

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.slow

DESKTOP = {"viewport": {"width": 1200, "height": 860}}
MOBILE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PASSWORD = "correct horse battery"
WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def _patient_expectations() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)


def _expect(target: Any) -> Any:
    from playwright.sync_api import expect

    return expect(target)


def accessible(page: Page, axe_source: str, screen: str) -> None:
    """axe-core finds nothing serious or critical on the page as it is now."""
    page.evaluate(axe_source)  # not a script tag: the pages' content security policy refuses inline scripts
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{screen}: " + "; ".join(serious)


def watch_csp(*contexts: BrowserContext) -> list[str]:
    """The content-security-policy violations the pages of ``contexts`` report, as they come."""
    refused: list[str] = []
    for context in contexts:
        context.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


def sign_up(context: BrowserContext, base_url: str, handle: str, name: str) -> Page:
    page = context.new_page()
    page.goto(f"{base_url}/signup")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    _expect(page.get_by_role("heading", name="Home")).to_be_visible()
    return page


def post_card(page: Page, text: str) -> Any:
    return page.locator("article.post", has_text=text)


def refresh(page: Page) -> None:
    page.get_by_role("button", name="Refresh").click()


def api_posts(base_url: str, handle: str, count: int) -> None:
    """``count`` posts by ``handle``, written through the HTTP API."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        tokens = client.post(
            "/v1/auth/token", json={"grant_type": "password", "username": handle, "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        for n in range(count):
            client.post("/v1/posts", json={"text": f"filler post {n}"}, headers=headers).raise_for_status()


def test_two_users_journey(new_context, server: str, axe_source: str, screenshots: Path) -> None:
    alice_context, bob_context = new_context(**DESKTOP), new_context(**MOBILE)
    refused = watch_csp(alice_context, bob_context)

    # sign up (the login and signup screens first, signed out)
    bob = bob_context.new_page()
    bob.goto(f"{server}/")
    _expect(bob.get_by_role("heading", name="Log in to feedcore")).to_be_visible()
    accessible(bob, axe_source, "login")
    bob.screenshot(path=screenshots / "login.png")
    bob.get_by_role("button", name="Log in").click()  # on to the server's sign-in page
    _expect(bob.get_by_role("heading", name="Sign in to feedcore")).to_be_visible()
    bob.get_by_label("Handle").fill("nobody")
    bob.get_by_label("Password").fill("not the password")
    bob.get_by_role("button", name="Sign in").click()
    _expect(bob.get_by_text("Wrong handle or password.")).to_be_visible()
    bob.close()
    alice = sign_up(alice_context, server, "alice", "Alice Liddell")
    _expect(alice.get_by_text("Your feed is empty")).to_be_visible()
    accessible(alice, axe_source, "empty home")
    bob = sign_up(bob_context, server, "bob", "Bob")

    # Bob follows Alice from her profile
    bob.goto(f"{server}/@alice")
    bob.get_by_role("button", name="Follow @alice").click()
    _expect(bob.get_by_role("button", name="Unfollow @alice")).to_be_visible()
    _expect(bob.get_by_role("link", name="1 follower")).to_be_visible()
    bob.reload()  # the follow state is the profile's own (followed_by_me)
    _expect(bob.get_by_role("button", name="Unfollow @alice")).to_be_visible()

    # Alice posts text with an image: preview, upload progress, then the post
    alice.get_by_label("What's happening?").fill("Hello from Alice, with a picture")
    alice.get_by_label("Add images").set_input_files({"name": "blue.png", "mimeType": "image/png", "buffer": png()})
    _expect(alice.get_by_role("img", name="Image 1: blue.png")).to_be_visible()
    _expect(alice.get_by_role("progressbar", name="Upload of blue.png")).to_have_attribute("value", "1")
    alice.get_by_role("button", name="Post", exact=True).click()
    mine = post_card(alice, "Hello from Alice")
    _expect(mine.get_by_role("img", name=re.compile("Image 1 of 1 posted by @alice"))).to_be_visible()
    _expect(alice.get_by_label("What's happening?")).to_have_value("")

    # it reaches Bob's feed; Bob likes it from the keyboard (j focuses the first post, l likes)
    bob.get_by_role("link", name="Home", exact=True).click()
    seen = post_card(bob, "Hello from Alice")
    _expect(seen.get_by_role("img")).to_be_visible()
    bob.keyboard.press("j")
    _expect(seen).to_be_focused()
    bob.keyboard.press("l")
    _expect(seen.get_by_role("button", name="Like, 1 like")).to_have_attribute("aria-pressed", "true")
    accessible(bob, axe_source, "home feed")
    bob.screenshot(path=screenshots / "home-mobile.png", full_page=True)

    # Bob comments on the post's page
    seen.get_by_role("link", name=re.compile("comment")).click()
    bob.get_by_label("Write a comment").fill("Lovely blue!")
    bob.get_by_role("button", name="Comment", exact=True).click()
    _expect(bob.locator("li.comment", has_text="Lovely blue!")).to_contain_text("@bob")
    bob.locator("li.comment").get_by_role("button", name="Edit comment").click()
    bob.get_by_label("Edit comment").fill("Lovely blue, indeed!")
    bob.get_by_role("button", name="Save").click()
    _expect(bob.locator("li.comment p")).to_have_text("Lovely blue, indeed!")
    _expect(bob.get_by_text("1 comment", exact=True)).to_be_visible()
    _expect(bob.get_by_role("button", name="Like, 1 like", pressed=True)).to_be_visible()
    bob.reload()  # the like state is the post's own (liked_by_me), not the feed's it came from
    _expect(bob.get_by_role("button", name="Like, 1 like", pressed=True)).to_be_visible()
    _expect(bob.locator("li.comment p")).to_have_text("Lovely blue, indeed!")
    accessible(bob, axe_source, "post page")
    bob.screenshot(path=screenshots / "post-mobile.png", full_page=True)

    # the counts show on Alice's side too
    refresh(alice)
    _expect(mine.get_by_role("button", name="Like, 1 like", pressed=False)).to_be_visible()
    _expect(mine.get_by_role("link", name="1 comment")).to_be_visible()
    alice.screenshot(path=screenshots / "home.png")

    # Alice edits the post; Bob sees the new text
    mine.get_by_role("button", name="Edit").click()
    alice.get_by_label("Edit post").fill("Hello from Alice (edited)")
    alice.get_by_role("button", name="Save").click()
    _expect(mine).to_contain_text("edited")
    bob.goto(f"{server}/")
    _expect(post_card(bob, "Hello from Alice (edited)")).to_be_visible()

    # her profile, and its followers list
    alice.goto(f"{server}/@alice")
    _expect(alice.get_by_role("heading", name="Alice Liddell")).to_be_visible()
    _expect(alice.get_by_role("link", name="Edit profile")).to_be_visible()
    accessible(alice, axe_source, "profile")
    alice.screenshot(path=screenshots / "profile.png")
    alice.get_by_role("link", name="1 follower").click()
    _expect(alice.get_by_role("link", name="Bob @bob")).to_be_visible()
    accessible(alice, axe_source, "followers")

    # Alice deletes the post; it disappears for her and for Bob
    alice.goto(f"{server}/")
    alice.once("dialog", lambda dialog: dialog.accept())
    post_card(alice, "Hello from Alice").get_by_role("button", name="Delete").click()
    _expect(post_card(alice, "Hello from Alice")).to_have_count(0)
    refresh(bob)
    _expect(bob.get_by_text("Your feed is empty")).to_be_visible()
    _expect(post_card(bob, "Hello from Alice")).to_have_count(0)

    # infinite scroll: 25 posts, 20 to a page; scrolling to the end loads the rest
    api_posts(server, "alice", 25)
    refresh(bob)
    _expect(bob.locator("article.post")).to_have_count(20)
    bob.locator("article.post").last.scroll_into_view_if_needed()
    bob.mouse.wheel(0, 5000)
    _expect(bob.locator("article.post")).to_have_count(25)
    _expect(bob.get_by_text("You're all caught up.")).to_be_visible()

    # profile settings
    bob.get_by_role("link", name="Settings").click()
    bob.get_by_label("Bio").fill("Likes blue things.")
    bob.get_by_role("button", name="Save").click()
    _expect(bob.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    accessible(bob, axe_source, "settings")
    bob.goto(f"{server}/@bob")
    _expect(bob.get_by_text("Likes blue things.")).to_be_visible()

    # offline is noticed, and so is coming back
    bob_context.set_offline(True)
    _expect(bob.get_by_text(re.compile("You are offline"))).to_be_visible()
    bob_context.set_offline(False)
    _expect(bob.get_by_text(re.compile("You are offline"))).to_have_count(0)

    # log out: back to the login page, and the feed is no longer reachable
    bob.get_by_role("button", name="Log out").click()
    _expect(bob.get_by_role("heading", name="Log in to feedcore")).to_be_visible()
    bob.goto(f"{server}/")
    _expect(bob.get_by_role("heading", name="Log in to feedcore")).to_be_visible()
    assert bob.evaluate("localStorage.getItem('feedcore.session')") is None

    # and back in through the authorization code + PKCE flow: sign-in page, consent, callback
    bob.get_by_role("button", name="Log in").click()
    bob.get_by_label("Handle").fill("bob")
    bob.get_by_label("Password").fill(PASSWORD)
    bob.get_by_role("button", name="Sign in").click()
    _expect(bob.get_by_role("heading", name=re.compile("Allow feedcore web"))).to_be_visible()
    bob.get_by_role("button", name="Allow").click()
    _expect(bob.get_by_role("heading", name="Home")).to_be_visible()
    _expect(post_card(bob, "filler post 24")).to_be_visible()
    assert bob.url == f"{server}/"
    assert refused == [], "the content security policy refused nothing"


def test_api_reference_page(new_context, server: str, axe_source: str, screenshots: Path) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        client.post("/v1/users", json={"handle": "dora", "password": PASSWORD}).raise_for_status()
        token = client.post(
            "/v1/auth/token", json={"grant_type": "password", "username": "dora", "password": PASSWORD}
        ).json()["access_token"]
    context = new_context(**DESKTOP)
    refused = watch_csp(context)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else outside.append(r.url))
    page.goto(f"{server}/docs")
    _expect(page.get_by_text("/v1/feed", exact=True)).to_be_visible()
    page.screenshot(path=screenshots / "docs.png")
    accessible(page, axe_source, "API reference")

    # "Try it out" with a bearer token
    page.locator(".auth-wrapper").get_by_role("button", name=re.compile("Authorize")).click()
    bearer = page.locator(".auth-container").filter(has=page.get_by_role("heading", name=re.compile("^bearer")))
    bearer.locator("input").fill(token)
    bearer.locator("button.authorize").click()
    bearer.locator("button.btn-done").click()
    me = page.locator(".opblock-get", has=page.get_by_text("/v1/me", exact=True))
    me.locator(".opblock-summary-control").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    _expect(me.locator(".responses-inner")).to_contain_text('"handle": "dora"')  # the server's answer
    assert outside == [], "the API reference loads nothing from another host"
    assert refused == [], "the content security policy refused nothing"


def test_rate_limit_is_shown_with_when_to_retry(new_context, strict_server: str, screenshots: Path) -> None:
    page = sign_up(new_context(**DESKTOP), strict_server, "carol", "Carol")
    alert = page.get_by_role("alert").filter(has_text="Too many requests")
    for _ in range(10):  # 6 requests a minute: a few refreshes exhaust it
        if alert.count():
            break
        refresh(page)
        page.wait_for_load_state("networkidle")
    _expect(alert).to_contain_text(re.compile(r"Try again in \d+ s\."))
    _expect(page.get_by_text(re.compile(r"You have reached the request limit\. Try again in \d+ s\."))).to_be_visible()
    _expect(alert.get_by_role("button", name="Try again")).to_be_disabled()
    page.screenshot(path=screenshots / "rate-limited.png")
