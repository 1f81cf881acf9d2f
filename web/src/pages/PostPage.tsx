import { useEffect, useState } from "react";
import { useLocation } from "wouter";
import {
  MAX_COMMENT_LENGTH,
  type FeedItem,
  addComment,
  comments as loadComments,
  getPost,
  getUser,
  session,
} from "../api/client";
import { CommentItem } from "../components/CommentItem";
import { PageEnd } from "../components/FeedList";
import { Empty, ErrorNotice, Loading, InlineError } from "../components/Notice";
import { PostCard } from "../components/PostCard";
import { TextBox } from "../components/TextBox";
import { usePaged } from "../lib/paged";
import { useStore } from "../lib/store";

/** A post with its comments and a comment box. */
export function PostPage({ id }: { id: string }) {
  const me = useStore(session)?.user;
  const [, navigate] = useLocation();
  const [item, setItem] = useState<FeedItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [commentError, setCommentError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const list = usePaged((cursor) => loadComments(id, cursor), id);

  useEffect(() => {
    let live = true;
    setError(null);
    (async () => {
      const post = await getPost(id);
      const author = await getUser(post.author_id);
      if (live) setItem({ post, author, like_count: post.like_count, comment_count: post.comment_count, liked_by_me: post.liked_by_me });
    })().catch((exc: unknown) => live && setError(exc));
    return () => {
      live = false;
    };
  }, [id, attempt]);

  async function comment(text: string) {
    setBusy(true);
    setCommentError(null);
    try {
      const added = await addComment(id, text);
      if (list.done) list.update((items) => [...items, added]);
      setItem((it) => it && { ...it, comment_count: it.comment_count + 1 });
      setRound((r) => r + 1);
    } catch (exc) {
      setCommentError(exc);
    } finally {
      setBusy(false);
    }
  }

  if (error) return <ErrorNotice error={error} retry={() => setAttempt((a) => a + 1)} />;
  if (!item) return <Loading what="Loading post" />;
  return (
    <>
      <h1 className="visually-hidden">Post by @{item.author.handle}</h1>
      <PostCard key={item.post.id + item.post.text} item={item} standalone onChange={setItem} onDelete={() => navigate("/", { replace: true })} />
      <section className="comments" aria-label="Comments">
        <h2>Comments</h2>
        {me && (
          <TextBox key={round} label="Write a comment" placeholder="Write a comment" max={MAX_COMMENT_LENGTH} submitLabel="Comment" busy={busy} onSubmit={comment} />
        )}
        <InlineError error={commentError} />
        {list.items.length === 0 && !list.loading && !list.error && <Empty>No comments yet.</Empty>}
        <ul className="comment-list">
          {list.items.map((c) => (
            <CommentItem
              key={c.id}
              comment={c}
              editable={me?.id === c.author_id}
              deletable={!!me && (me.id === c.author_id || me.id === item.author.id)}
              onChange={(edited) => list.update((items) => items.map((x) => (x.id === edited.id ? edited : x)))}
              onDelete={(cid) => {
                list.update((items) => items.filter((x) => x.id !== cid));
                setItem((it) => it && { ...it, comment_count: Math.max(0, it.comment_count - 1) });
              }}
            />
          ))}
        </ul>
        <PageEnd list={list} what="comments" />
      </section>
    </>
  );
}
