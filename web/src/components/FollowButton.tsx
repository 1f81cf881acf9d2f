import { useEffect, useState } from "react";
import { follow, isFollowing, unfollow } from "../api/client";
import { InlineError } from "./Notice";

/** Follow / unfollow `userId`, optimistic; `onChange(+1 | -1)` adjusts the shown follower count. */
export function FollowButton({ userId, handle, onChange }: { userId: string; handle: string; onChange: (delta: 1 | -1) => void }) {
  const [following, setFollowing] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setFollowing(null);
    isFollowing(userId).then(
      (value) => live && setFollowing(value),
      () => live && setFollowing(false),
    );
    return () => {
      live = false;
    };
  }, [userId]);

  async function toggle() {
    const was = following;
    setBusy(true);
    setError(null);
    setFollowing(!was);
    onChange(was ? -1 : 1);
    try {
      await (was ? unfollow(userId) : follow(userId));
    } catch (exc) {
      setFollowing(was);
      onChange(was ? 1 : -1);
      setError(exc);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={following ? "" : "primary"}
        aria-pressed={following ?? undefined}
        disabled={following === null || busy}
        onClick={toggle}
      >
        {following === null ? "…" : following ? `Unfollow @${handle}` : `Follow @${handle}`}
      </button>
      <InlineError error={error} />
    </>
  );
}
