import { Link } from "wouter";
import { type User, followers, following } from "../api/client";
import { Avatar } from "../components/Avatar";
import { PageEnd } from "../components/FeedList";
import { Empty, ErrorNotice, Loading } from "../components/Notice";
import { usePaged } from "../lib/paged";
import { ProfileHeader, useUser } from "./Profile";

/** Who follows a user, or whom they follow. */
export function People({ handle, which }: { handle: string; which: "followers" | "following" }) {
  const { user, error, retry, setUser } = useUser(handle);
  const list = usePaged<User>((cursor) => (which === "followers" ? followers : following)(handle, cursor), `${handle}/${which}`);
  if (error) return <ErrorNotice error={error} retry={retry} />;
  if (!user) return <Loading what="Loading profile" />;
  const title = which === "followers" ? `Followers of @${handle}` : `Followed by @${handle}`;
  return (
    <>
      <ProfileHeader user={user} setUser={setUser} />
      <section aria-label={title}>
        <h2>{title}</h2>
        {list.items.length === 0 && !list.loading && !list.error && (
          <Empty>{which === "followers" ? `No one follows @${handle} yet.` : `@${handle} follows no one yet.`}</Empty>
        )}
        <ul className="people">
          {list.items.map((u) => (
            <li key={u.id}>
              <Avatar handle={u.handle} />
              <Link href={`/@${u.handle}`}>
                <strong>{u.display_name || u.handle}</strong> <span className="handle">@{u.handle}</span>
              </Link>
            </li>
          ))}
        </ul>
        <PageEnd list={list} what="people" />
      </section>
    </>
  );
}
