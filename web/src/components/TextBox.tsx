import { useId, useState } from "react";

interface Props {
  label: string;
  max: number;
  submitLabel: string;
  busy?: boolean;
  initial?: string;
  placeholder?: string;
  /** Allows an empty text (a post with images only). */
  allowEmpty?: boolean;
  onSubmit: (text: string) => void | Promise<void>;
  onCancel?: () => void;
  children?: React.ReactNode;
}

/** A labelled text area with a character counter; Ctrl/⌘+Enter submits. */
export function TextBox({ label, max, submitLabel, busy, initial = "", placeholder, allowEmpty, onSubmit, onCancel, children }: Props) {
  const [text, setText] = useState(initial);
  const id = useId();
  const left = max - [...text].length;
  const blank = text.trim() === "" && !allowEmpty;
  const invalid = left < 0 || blank;

  async function submit(event?: React.FormEvent) {
    event?.preventDefault();
    if (invalid || busy) return;
    await onSubmit(text);
  }

  return (
    <form className="textbox" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        value={text}
        placeholder={placeholder}
        rows={3}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
          if (e.key === "Escape" && onCancel) onCancel();
        }}
        aria-describedby={`${id}-count`}
        aria-invalid={left < 0}
      />
      {children}
      <div className="textbox-foot">
        <span id={`${id}-count`} className={`counter${left < 0 ? " over" : left < 20 ? " near" : ""}`} aria-live="polite">
          {left < 0 ? `${-left} characters too many` : `${left} characters left`}
        </span>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={invalid || busy} aria-busy={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
