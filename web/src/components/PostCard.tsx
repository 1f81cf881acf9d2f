import { useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import {
  MAX_POST_LENGTH,
  type FeedItem,
  deletePost,
  editPost,
  like,
  session,
  unlike,
} from "../api/client";
import { useStore } from "../lib/store";
import { ago } from "../lib/time";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { InlineError } from "./Notice";
import { TextBox } from "./TextBox";

interface Props {
  item: FeedItem;
  /** The post's own page links nowhere further and shows the time in full. */
  standalone?: boolean;
  onChange?: (item: FeedItem) => void;
  onDelete?: (postId: string) => void;
}

/** One post: author, text, images, like (optimistic, rolled back on error), comments link,
 * and edit/delete for its author. */
export function PostCard({ item, standalone = false, onChange, onDelete }: Props) {
  const me = useStore(session)?.user;
  const { post, author } = item;
  const [liked, setLiked] = useState(item.liked_by_me);
  const [likes, setLikes] = useState(item.like_count);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pending = useRef(false);
  useEffect(() => {
    // a reloaded feed brings the server's numbers
    setLiked(item.liked_by_me);
    setLikes(item.like_count);
  }, [item.liked_by_me, item.like_count]);
  const titleId = `post-${post.id}-author`;
  const own = me?.id === author.id;

  async function toggleLike() {
    if (!me || pending.current) return;
    pending.current = true;
    const before = { liked, likes };
    const after = { liked: !liked, likes: likes + (liked ? -1 : 1) };
    setLiked(after.liked);
    setLikes(after.likes);
    setError(null);
    try {
      await (before.liked ? unlike(post.id) : like(post.id));
      onChange?.({ ...item, liked_by_me: after.liked, like_count: after.likes });
    } catch (exc) {
      setLiked(before.liked);
      setLikes(before.likes);
      setError(exc);
    } finally {
      pending.current = false;
    }
  }

  async function save(text: string) {
    setBusy(true);
    setError(null);
    try {
      const saved = await editPost(post.id, text);
      onChange?.({ ...item, post: { ...post, text: saved.text, edited_at: saved.edited_at } });
      setEditing(false);
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!window.confirm("Delete this post? This cannot be undone.")) return;
    setBusy(true);
    setError(null);
    try {
      await deletePost(post.id);
      onDelete?.(post.id);
    } catch (exc) {
      setError(exc);
      setBusy(false);
    }
  }

  const time = (
    <time dateTime={post.created_at} title={new Date(post.created_at).toLocaleString()}>
      {standalone ? new Date(post.created_at).toLocaleString() : ago(post.created_at)}
    </time>
  );
  return (
    <article className="post" aria-labelledby={titleId} tabIndex={-1} data-post-id={post.id}>
      <header className="post-head">
        <Avatar handle={author.handle} />
        <div>
          <Link href={`/@${author.handle}`} id={titleId} className="author">
            <strong>{author.display_name || author.handle}</strong> <span className="handle">@{author.handle}</span>
          </Link>
          <div className="meta">
            {standalone ? time : <Link href={`/posts/${post.id}`} aria-label={`Open post from ${ago(post.created_at)}`}>{time}</Link>}
            {post.edited_at && <span> · edited</span>}
          </div>
        </div>
      </header>
      {editing ? (
        <TextBox
          label="Edit post"
          initial={post.text}
          max={MAX_POST_LENGTH}
          submitLabel="Save"
          busy={busy}
          onSubmit={save}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p className="post-text">{post.text}</p>
      )}
      {post.media.length > 0 && (
        <div className={`media media-${post.media.length}`}>
          {post.media.map((m, i) => (
            <a key={m.id} href={m.url} target="_blank" rel="noreferrer">
              <img src={m.url} alt={`Image ${i + 1} of ${post.media.length} posted by @${author.handle}`} loading="lazy" />
            </a>
          ))}
        </div>
      )}
      <footer className="actions">
        <button
          type="button"
          className={`like${liked ? " on" : ""}`}
          aria-pressed={liked}
          onClick={toggleLike}
          disabled={!me}
          data-action="like"
        >
          <Icon name="heart" />
          <span className="visually-hidden">Like, </span>
          <span className="count">{likes}</span>
          <span className="visually-hidden"> {likes === 1 ? "like" : "likes"}</span>
        </button>
        {standalone ? (
          <span className="comments-count">
            <Icon name="comment" /> {item.comment_count} {item.comment_count === 1 ? "comment" : "comments"}
          </span>
        ) : (
          <Link href={`/posts/${post.id}`} className="comments-count" data-action="open">
            <Icon name="comment" /> {item.comment_count}{" "}
            <span className="visually-hidden">{item.comment_count === 1 ? "comment" : "comments"}</span>
          </Link>
        )}
        {own && !editing && (
          <span className="own-actions">
            <button type="button" onClick={() => setEditing(true)} disabled={busy}>
              Edit
            </button>
            <button type="button" className="danger" onClick={remove} disabled={busy}>
              Delete
            </button>
          </span>
        )}
      </footer>
      <InlineError error={error} />
    </article>
  );
}
