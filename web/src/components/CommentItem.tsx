import { useEffect, useState } from "react";
import { Link } from "wouter";
import { type Comment, type User, deleteComment, getUser } from "../api/client";
import { ago } from "../lib/time";
import { Avatar } from "./Avatar";
import { InlineError } from "./Notice";

interface Props {
  comment: Comment;
  /** The signed-in user may delete it (its author, or the post's author). */
  deletable: boolean;
  onDelete: (commentId: string) => void;
}

/** One comment; its author is looked up by id (and remembered). */
export function CommentItem({ comment, deletable, onDelete }: Props) {
  const [author, setAuthor] = useState<User | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    getUser(comment.author_id).then(setAuthor, () => setAuthor(null));
  }, [comment.author_id]);

  async function remove() {
    if (!window.confirm("Delete this comment?")) return;
    setBusy(true);
    try {
      await deleteComment(comment.id);
      onDelete(comment.id);
    } catch (exc) {
      setError(exc);
      setBusy(false);
    }
  }

  const handle = author?.handle ?? "…";
  return (
    <li className="comment" data-comment-id={comment.id}>
      <Avatar handle={handle} />
      <div className="comment-body">
        <div className="meta">
          {author ? (
            <Link href={`/@${author.handle}`} className="author">
              <strong>{author.display_name || author.handle}</strong> <span className="handle">@{author.handle}</span>
            </Link>
          ) : (
            <span className="handle">loading author…</span>
          )}{" "}
          · <time dateTime={comment.created_at}>{ago(comment.created_at)}</time>
        </div>
        <p>{comment.text}</p>
        {deletable && (
          <button type="button" className="danger small" onClick={remove} disabled={busy}>
            Delete comment
          </button>
        )}
        <InlineError error={error} />
      </div>
    </li>
  );
}
