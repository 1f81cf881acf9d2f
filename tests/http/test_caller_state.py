"""What the caller needs to draw a post or a profile: whether they like it or follow them,
and editing their own comments."""

from __future__ import annotations

from .client import assert_error, signup
from .conftest import TestClient


def test_a_post_says_whether_the_caller_likes_it_as_the_feed_does(api: TestClient) -> None:
    alice, bob = signup(api, "alice"), signup(api, "bob")
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "like me"}).json()
    url = f"/v1/posts/{post['id']}"
    assert api.get(url).json()["liked_by_me"] is False
    assert api.put(f"{url}/like", headers=bob.auth).status_code == 204
    assert api.get(url, headers=bob.auth).json()["liked_by_me"] is True
    assert api.get(url, headers=alice.auth).json()["liked_by_me"] is False
    assert api.get(url).json()["liked_by_me"] is False
    item = api.get(f"/v1/users/{alice.id}/posts", headers=bob.auth).json()["items"][0]
    assert item["liked_by_me"] is True
    assert api.delete(f"{url}/like", headers=bob.auth).status_code == 204
    assert api.get(url, headers=bob.auth).json()["liked_by_me"] is False


def test_a_profile_says_whether_the_caller_follows_them(api: TestClient) -> None:
    alice, bob = signup(api, "alice"), signup(api, "bob")
    assert api.get("/v1/users/@bob").json()["followed_by_me"] is False
    assert api.get("/v1/users/@bob", headers=alice.auth).json()["followed_by_me"] is False
    assert api.put("/v1/me/following/bob", headers=alice.auth).status_code == 204
    assert api.get("/v1/users/@bob", headers=alice.auth).json()["followed_by_me"] is True
    assert api.get(f"/v1/users/{bob.id}", headers=alice.auth).json()["followed_by_me"] is True
    assert api.get("/v1/users/@alice", headers=bob.auth).json()["followed_by_me"] is False
    assert api.get("/v1/users/@alice", headers=alice.auth).json()["followed_by_me"] is False
    assert api.get("/v1/users/@bob").json()["followed_by_me"] is False
    assert api.delete("/v1/me/following/@bob", headers=alice.auth).status_code == 204
    assert api.get("/v1/users/@bob", headers=alice.auth).json()["followed_by_me"] is False


def test_a_comment_is_edited_by_its_author_only(api: TestClient) -> None:
    alice, bob = signup(api, "alice"), signup(api, "bob")
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "discuss"}).json()
    comments = f"/v1/posts/{post['id']}/comments"
    comment = api.post(comments, headers=bob.auth, json={"text": "frist"}).json()
    url = f"/v1/comments/{comment['id']}"
    assert_error(api.patch(url, headers=alice.auth, json={"text": "mine now"}), 403, "forbidden")
    assert_error(api.patch(url, json={"text": "anyone"}), 401)
    assert_error(api.patch(url, headers=bob.auth, json={"text": "x" * 501}), 400, field="$.text")
    assert_error(api.patch(url, headers=bob.auth, json={"text": " "}), 400)
    assert_error(api.patch(url, headers=bob.auth, json={}), 400, field="$.text")
    edited = api.patch(url, headers=bob.auth, json={"text": "first"})
    assert edited.status_code == 200, edited.text
    assert edited.json() == {**comment, "text": "first"}
    assert api.get(comments).json()["items"] == [edited.json()]
    assert api.delete(url, headers=bob.auth).status_code == 204
    assert_error(api.patch(url, headers=bob.auth, json={"text": "gone"}), 404, "not_found")
