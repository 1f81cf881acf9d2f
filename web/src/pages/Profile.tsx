import { useEffect, useState } from "react";
import { Link } from "wouter";
import { type Profile as UserProfile, getUser, session, userPosts } from "../api/client";
import { Avatar } from "../components/Avatar";
import { FeedList } from "../components/FeedList";
import { FollowButton } from "../components/FollowButton";
import { ErrorNotice, Loading } from "../components/Notice";
import { usePaged } from "../lib/paged";
import { useStore } from "../lib/store";

export function useUser(handle: string): { user: UserProfile | null; error: unknown; retry: () => void; setUser: (u: UserProfile) => void } {
  const [user, setUser] = useState<UserProfile | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setUser(null);
    setError(null);
    getUser(handle, true).then(
      (u) => live && setUser(u),
      (exc: unknown) => live && setError(exc),
    );
    return () => {
      live = false;
    };
  }, [handle, attempt]);
  return { user, error, retry: () => setAttempt((a) => a + 1), setUser };
}

/** A profile header: name, bio, counts, and follow button or a link to settings. */
export function ProfileHeader({ user, setUser }: { user: UserProfile; setUser: (u: UserProfile) => void }) {
  const me = useStore(session)?.user;
  return (
    <header className="profile">
      <Avatar handle={user.handle} />
      <div className="profile-main">
        <h1>{user.display_name || user.handle}</h1>
        <p className="handle">@{user.handle}</p>
        {user.bio && <p className="bio">{user.bio}</p>}
        <ul className="counts" aria-label="Counts">
          <li>
            <strong>{user.post_count}</strong> {user.post_count === 1 ? "post" : "posts"}
          </li>
          <li>
            <Link href={`/@${user.handle}/followers`}>
              <strong>{user.follower_count}</strong> {user.follower_count === 1 ? "follower" : "followers"}
            </Link>
          </li>
          <li>
            <Link href={`/@${user.handle}/following`}>
              <strong>{user.following_count}</strong> following
            </Link>
          </li>
        </ul>
        {me && me.id !== user.id && (
          <FollowButton
            userId={user.id}
            handle={user.handle}
            followed={user.followed_by_me}
            onChange={(delta) => setUser({ ...user, follower_count: user.follower_count + delta, followed_by_me: delta > 0 })}
          />
        )}
        {me?.id === user.id && <Link href="/settings">Edit profile</Link>}
      </div>
    </header>
  );
}

/** A user's profile and posts. */
export function Profile({ handle }: { handle: string }) {
  const { user, error, retry, setUser } = useUser(handle);
  const posts = usePaged((cursor) => userPosts(handle, cursor), handle);
  if (error) return <ErrorNotice error={error} retry={retry} />;
  if (!user) return <Loading what="Loading profile" />;
  return (
    <>
      <ProfileHeader user={user} setUser={setUser} />
      <FeedList feed={posts} label={`Posts by @${user.handle}`} empty={`@${user.handle} has not posted yet.`} />
    </>
  );
}
