import { useEffect, useState } from "react";
import { follow, unfollow } from "../api/client";
import { InlineError } from "./Notice";

/** Follow / unfollow `userId` (`followed`: whether the signed-in user does, as their profile
 * says), optimistic; `onChange(+1 | -1)` adjusts the shown follower count. */
export function FollowButton({
  userId,
  handle,
  followed,
  onChange,
}: {
  userId: string;
  handle: string;
  followed: boolean;
  onChange: (delta: 1 | -1) => void;
}) {
  const [following, setFollowing] = useState(followed);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => setFollowing(followed), [userId, followed]);

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
        aria-pressed={following}
        disabled={busy}
        onClick={toggle}
      >
        {following ? `Unfollow @${handle}` : `Follow @${handle}`}
      </button>
      <InlineError error={error} />
    </>
  );
}
