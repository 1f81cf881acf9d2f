import { useEffect, useState } from "react";
import { ApiError } from "../api/client";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="notice" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="notice empty">{children}</p>;
}

/** Seconds left until `until` (ms since the epoch), re-rendering every second until then. */
export function useCountdown(until: number | null): number {
  const [, tick] = useState(0);
  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => {
      tick((n) => n + 1);
      if (Date.now() >= until) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000));
}

/** What went wrong, in words: a 429 says when to retry. */
export function describe(error: unknown, secondsLeft = 0): string {
  if (!(error instanceof ApiError)) return "Something went wrong.";
  if (error.status === 429) {
    return secondsLeft > 0
      ? `Too many requests. Try again in ${secondsLeft} s.`
      : "Too many requests. You can try again now.";
  }
  if (error.status === 503 && error.retryAfter) return `${error.message} Try again in ${error.retryAfter} s.`;
  return error.message;
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  const [until] = useState(() =>
    error instanceof ApiError && error.retryAfter ? Date.now() + error.retryAfter * 1000 : null,
  );
  const left = useCountdown(until);
  return (
    <div className="notice error" role="alert">
      <p>{describe(error, left)}</p>
      {retry && (
        <button type="button" onClick={retry} disabled={left > 0}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A failed action's reason, next to the control that failed (nothing when `error` is null). */
export function InlineError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="inline-error" role="alert">
      {describe(error)}
    </p>
  );
}
