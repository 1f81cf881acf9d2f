import { useCallback, useEffect, useRef, useState } from "react";
import { type FeedItem, type Post, homeFeed, session } from "../api/client";
import { Composer } from "../components/Composer";
import { FeedList } from "../components/FeedList";
import { usePaged } from "../lib/paged";
import { usePullToRefresh } from "../lib/pull";
import { onShortcut } from "../lib/shortcuts";
import { useStore } from "../lib/store";
import { newerThan } from "../lib/time";

/** How often the home feed asks whether there are new posts. */
export const NEW_POSTS_POLL_MS = 30_000;

/** The signed-in user's home feed: compose, new-post indicator, pull-to-refresh, infinite scroll. */
export function Home() {
  const me = useStore(session)!.user;
  const feed = usePaged((cursor) => homeFeed(cursor), me.id);
  const [fresh, setFresh] = useState<FeedItem[]>([]);
  const top = useRef<string | undefined>(undefined);
  top.current = feed.items[0]?.post.id;

  const check = useCallback(async () => {
    if (!top.current || document.visibilityState === "hidden") return;
    try {
      const page = await homeFeed(undefined, 20);
      const newer = page.items.filter((i) => newerThan(i.post.id, top.current!));
      setFresh(newer);
    } catch {
      // the indicator is best effort; the feed itself reports errors
    }
  }, []);

  useEffect(() => {
    const timer = setInterval(check, NEW_POSTS_POLL_MS);
    window.addEventListener("focus", check);
    return () => {
      clearInterval(timer);
      window.removeEventListener("focus", check);
    };
  }, [check]);

  const refresh = useCallback(() => {
    setFresh([]);
    window.scrollTo({ top: 0 });
    void feed.reload();
  }, [feed.reload]);
  useEffect(() => onShortcut("refresh", refresh), [refresh]);
  const pulled = usePullToRefresh(refresh);

  function showFresh() {
    feed.update((list) => [...fresh, ...list.filter((i) => !fresh.some((f) => f.post.id === i.post.id))]);
    setFresh([]);
    window.scrollTo({ top: 0 });
  }

  function posted(post: Post) {
    const item: FeedItem = {
      post,
      author: { id: me.id, handle: me.handle, display_name: me.display_name },
      like_count: post.like_count,
      comment_count: post.comment_count,
      liked_by_me: false,
    };
    feed.update((list) => [item, ...list]);
  }

  return (
    <>
      <h1 className="page-title">Home</h1>
      {pulled > 0 && (
        <p className="pull" style={{ opacity: pulled }} aria-hidden="true">
          {pulled >= 1 ? "Release to refresh" : "Pull to refresh"}
        </p>
      )}
      <Composer onPosted={posted} />
      <div className="feed-tools">
        {fresh.length > 0 && (
          <button type="button" className="new-posts primary" onClick={showFresh}>
            Show {fresh.length} new {fresh.length === 1 ? "post" : "posts"}
          </button>
        )}
        <button type="button" onClick={refresh} aria-keyshortcuts=".">
          Refresh
        </button>
      </div>
      <FeedList feed={feed} label="Home feed" empty="Your feed is empty. Follow people to see their posts here." />
    </>
  );
}
