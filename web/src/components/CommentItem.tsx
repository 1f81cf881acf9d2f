import { useEffect, useState } from "react";
import { Link } from "wouter";
import { MAX_COMMENT_LENGTH, type Comment, type User, deleteComment, editComment, getUser } from "../api/client";
import { ago } from "../lib/time";
import { Avatar } from "./Avatar";
import { InlineError } from "./Notice";
import { TextBox } from "./TextBox";

interface Props {
  comment: Comment;
  /** The signed-in user may edit it (its author). */
  editable: boolean;
  /** The signed-in user may delete it (its author, or the post's author). */
  deletable: boolean;
  onChange: (comment: Comment) => void;
  onDelete: (commentId: string) => void;
}

/** One comment; its author is looked up by id (and remembered). */
export function CommentItem({ comment, editable, deletable, onChange, onDelete }: Props) {
  const [author, setAuthor] = useState<User | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    getUser(comment.author_id).then(setAuthor, () => setAuthor(null));
  }, [comment.author_id]);

  async function save(text: string) {
    setBusy(true);
    setError(null);
    try {
      onChange(await editComment(comment.id, text));
      setEditing(false);
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  }

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
        {editing ? (
          <TextBox
            label="Edit comment"
            initial={comment.text}
            max={MAX_COMMENT_LENGTH}
            submitLabel="Save"
            busy={busy}
            onSubmit={save}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <p>{comment.text}</p>
        )}
        {editable && !editing && (
          <button type="button" className="small" onClick={() => setEditing(true)} disabled={busy}>
            Edit comment
          </button>
        )}
        {deletable && !editing && (
          <button type="button" className="danger small" onClick={remove} disabled={busy}>
            Delete comment
          </button>
        )}
        <InlineError error={error} />
      </div>
    </li>
  );
}
