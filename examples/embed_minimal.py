"""The smallest embedding: a complete platform on the embedded default, in a temporary directory."""

import tempfile

from feedcore import Platform, Settings

with tempfile.TemporaryDirectory() as data_dir, Platform.open(Settings(data_dir=data_dir)) as p:
    alice = p.users.register(handle="alice", password="correct horse", display_name="Alice")
    bob = p.users.register(handle="bob", password="battery staple")
    p.graph.follow(bob.id, alice.id)
    post = p.posts.create(alice.id, text="hello, feed")
    p.interactions.like(bob.id, post.id)
    p.drain()
    for item in p.feeds.home(bob.id, limit=20).items:
        print(f"@{item.author.handle}: {item.post.text} ({item.like_count} like)")
