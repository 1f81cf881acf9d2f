import { useEffect, useRef } from "react";
import type { FeedItem } from "../api/client";
import type { Paged } from "../lib/paged";
import { Empty, ErrorNotice, Loading } from "./Notice";
import { PostCard } from "./PostCard";

/** Calls `onVisible` whenever the returned element scrolls into view, and again whenever
 * `watch` changes while it is in view (a page arrived and the end is still on screen). */
export function useSentinel(onVisible: () => void, watch: unknown) {
  const ref = useRef<HTMLDivElement>(null);
  const callback = useRef(onVisible);
  callback.current = onVisible;
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && callback.current(), {
      rootMargin: "400px",
    });
    observer.observe(element); // a new observer reports the element's current state at once
    return () => observer.disconnect();
  }, [watch]);
  return ref;
}

/** The end of a paged list: loading, an error with a retry, a "Load more" button (also for
 * keyboards), and the sentinel that loads the next page as it scrolls into view. */
export function PageEnd<T>({ list, what }: { list: Paged<T>; what: string }) {
  const { items, loading, error, done } = list;
  // after an error, only the retry button asks again (no loop against a failing server)
  const sentinel = useSentinel(() => error === null && list.more(), `${items.length}/${loading}`);
  return (
    <>
      {loading && <Loading what={`Loading ${items.length ? "more " : ""}${what}`} />}
      {error !== null && <ErrorNotice error={error} retry={items.length ? list.more : list.reload} />}
      {!loading && !error && !done && items.length > 0 && (
        <button type="button" className="more" onClick={list.more}>
          Load more {what}
        </button>
      )}
      <div ref={sentinel} aria-hidden="true" />
    </>
  );
}

/** Posts of a paged feed, loading the next page as the end scrolls into view. */
export function FeedList({ feed, empty, label }: { feed: Paged<FeedItem>; empty: React.ReactNode; label: string }) {
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
      {done && items.length > 0 && <p className="notice end">You're all caught up.</p>}
      <PageEnd list={feed} what="posts" />
    </section>
  );
}
