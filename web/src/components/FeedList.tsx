import { useEffect, useRef } from "react";
import type { FeedItem } from "../api/client";
import type { Paged } from "../lib/paged";
import { Empty, ErrorNotice, Loading } from "./Notice";
import { PostCard } from "./PostCard";

/** Calls `onVisible` whenever the returned element scrolls into view. */
export function useSentinel(onVisible: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  const callback = useRef(onVisible);
  callback.current = onVisible;
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && callback.current(), {
      rootMargin: "400px",
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return ref;
}

/** Posts of a paged feed, loading the next page as the end scrolls into view. */
export function FeedList({ feed, empty, label }: { feed: Paged<FeedItem>; empty: React.ReactNode; label: string }) {
  const sentinel = useSentinel(feed.more);
  const { items, loading, error, done } = feed;
  return (
    <section aria-label={label} aria-busy={loading}>
      {items.length === 0 && !loading && !error && <Empty>{empty}</Empty>}
      <div className="feed">
        {items.map((item) => (
          <PostCard
            key={item.post.id}
            item={item}
            onChange={(changed) => feed.update((list) => list.map((i) => (i.post.id === changed.post.id ? changed : i)))}
            onDelete={(id) => feed.update((list) => list.filter((i) => i.post.id !== id))}
          />
        ))}
      </div>
      {loading && <Loading what={items.length ? "Loading more posts" : "Loading posts"} />}
      {error !== null && <ErrorNotice error={error} retry={items.length ? feed.more : feed.reload} />}
      {!loading && !error && !done && items.length > 0 && (
        <button type="button" className="more" onClick={feed.more}>
          Load more posts
        </button>
      )}
      {done && items.length > 0 && <p className="notice end">You're all caught up.</p>}
      <div ref={sentinel} aria-hidden="true" />
    </section>
  );
}
