import { useEffect, useId, useRef, useState } from "react";
import {
  IMAGE_TYPES,
  MAX_MEDIA_PER_POST,
  MAX_POST_LENGTH,
  type Post,
  createPost,
  uploadMedia,
} from "../api/client";
import { describe, InlineError } from "./Notice";
import { TextBox } from "./TextBox";

interface Attachment {
  key: number;
  file: File;
  preview: string;
  progress: number; // 0..1
  mediaId?: string;
  error?: unknown;
}

let nextKey = 0;

/** Write a post: text with a counter, up to four images uploaded at once with previews and
 * progress; the post is created when every image is in. */
export function Composer({ onPosted }: { onPosted: (post: Post) => void }) {
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0); // a new round clears the text box
  const inputId = useId();

  const current = useRef(attachments);
  current.current = attachments;
  useEffect(() => () => current.current.forEach((a) => URL.revokeObjectURL(a.preview)), []);

  function drop(keep: (a: Attachment) => boolean) {
    attachments.filter((a) => !keep(a)).forEach((a) => URL.revokeObjectURL(a.preview));
    setAttachments((list) => list.filter(keep));
  }

  const patch = (key: number, change: Partial<Attachment>) =>
    setAttachments((list) => list.map((a) => (a.key === key ? { ...a, ...change } : a)));

  function add(files: FileList | null) {
    const room = MAX_MEDIA_PER_POST - attachments.length;
    const chosen = [...(files ?? [])].filter((f) => (IMAGE_TYPES as readonly string[]).includes(f.type)).slice(0, room);
    const added = chosen.map((file) => ({ key: nextKey++, file, preview: URL.createObjectURL(file), progress: 0 }));
    setAttachments((list) => [...list, ...added]);
    for (const a of added) {
      uploadMedia(a.file, (progress) => patch(a.key, { progress }))
        .then((media) => patch(a.key, { mediaId: media.id, progress: 1 }))
        .catch((exc: unknown) => patch(a.key, { error: exc }));
    }
  }

  const uploading = attachments.some((a) => !a.mediaId && !a.error);
  const failed = attachments.some((a) => a.error);

  async function submit(text: string) {
    setBusy(true);
    setError(null);
    try {
      const post = await createPost(text, attachments.flatMap((a) => (a.mediaId ? [a.mediaId] : [])));
      drop(() => false);
      setRound((r) => r + 1);
      onPosted(post);
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="composer" aria-label="New post">
      <TextBox
        key={round}
        label="What's happening?"
        placeholder="What's happening?"
        max={MAX_POST_LENGTH}
        submitLabel={uploading ? "Uploading…" : "Post"}
        busy={busy || uploading || failed}
        onSubmit={submit}
      >
        {attachments.length > 0 && (
          <ul className="attachments" aria-label="Images to post">
            {attachments.map((a, i) => (
              <li key={a.key}>
                <img src={a.preview} alt={`Image ${i + 1}: ${a.file.name}`} />
                {a.error ? (
                  <span className="inline-error" role="alert">
                    {describe(a.error)}
                  </span>
                ) : (
                  <progress max={1} value={a.progress} aria-label={`Upload of ${a.file.name}`} />
                )}
                <button
                  type="button"
                  className="remove"
                  aria-label={`Remove image ${i + 1}`}
                  onClick={() => drop((x) => x.key !== a.key)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="attach">
          <label htmlFor={inputId} className={`button${attachments.length >= MAX_MEDIA_PER_POST ? " disabled" : ""}`}>
            Add images <span className="hint">({attachments.length}/{MAX_MEDIA_PER_POST})</span>
          </label>
          <input
            id={inputId}
            type="file"
            accept={IMAGE_TYPES.join(",")}
            multiple
            className="visually-hidden"
            disabled={attachments.length >= MAX_MEDIA_PER_POST}
            onChange={(e) => {
              add(e.target.files);
              e.target.value = "";
            }}
          />
        </div>
      </TextBox>
      <InlineError error={error} />
    </section>
  );
}
