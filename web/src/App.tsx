import { useEffect, useRef } from "react";
import { Link, Redirect, Route, Switch, useLocation } from "wouter";
import { logOut, session } from "./api/client";
import { Banners } from "./components/Banners";
import { Empty } from "./components/Notice";
import { Callback, LogIn, Settings, SignUp } from "./pages/Account";
import { Home } from "./pages/Home";
import { People } from "./pages/People";
import { PostPage } from "./pages/PostPage";
import { Profile } from "./pages/Profile";
import { SHORTCUTS, installShortcuts, onShortcut } from "./lib/shortcuts";
import { useStore } from "./lib/store";

function Nav() {
  const me = useStore(session)?.user;
  const [, navigate] = useLocation();
  return (
    <header className="top">
      <nav aria-label="Main">
        <Link href="/" className="brand">
          feedcore
        </Link>
        {me ? (
          <>
            <Link href="/">Home</Link>
            <Link href={`/@${me.handle}`}>Profile</Link>
            <Link href="/settings">Settings</Link>
            <button
              type="button"
              className="link"
              onClick={async () => {
                await logOut();
                navigate("/login", { replace: true });
              }}
            >
              Log out
            </button>
          </>
        ) : (
          <>
            <Link href="/login">Log in</Link>
            <Link href="/signup">Sign up</Link>
          </>
        )}
        <a href="/docs">API</a>
      </nav>
    </header>
  );
}

function ShortcutHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => onShortcut("help", () => dialog.current?.showModal()), []);
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" className="shortcuts">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}

/** Routes that need a signed-in user send everyone else to the login page. */
function SignedIn({ children }: { children: React.ReactNode }) {
  return useStore(session) ? <>{children}</> : <Redirect to="/login" replace />;
}

export function App() {
  const [location, navigate] = useLocation();
  const signedIn = useStore(session) !== null;

  useEffect(() => installShortcuts(navigate), [navigate]);
  useEffect(
    () =>
      onShortcut("compose", () => {
        if (location !== "/") navigate("/");
        requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>(".composer textarea")?.focus());
      }),
    [location, navigate],
  );
  useEffect(() => {
    // a new page: move focus to its main region so screen readers announce it
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [location]);

  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <Nav />
      <Banners />
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/login">{signedIn ? <Redirect to="/" replace /> : <LogIn />}</Route>
          <Route path="/callback">
            <Callback />
          </Route>
          <Route path="/signup">{signedIn ? <Redirect to="/" replace /> : <SignUp />}</Route>
          <Route path="/">
            <SignedIn>
              <Home />
            </SignedIn>
          </Route>
          <Route path="/settings">
            <SignedIn>
              <Settings />
            </SignedIn>
          </Route>
          <Route path="/posts/:id">{(p) => <PostPage id={p.id} />}</Route>
          <Route path={/^\/@(?<handle>\w+)\/(?<which>followers|following)\/?$/}>
            {(p: { handle: string; which: "followers" | "following" }) => <People handle={p.handle} which={p.which} />}
          </Route>
          <Route path={/^\/@(?<handle>\w+)\/?$/}>{(p: { handle: string }) => <Profile handle={p.handle} />}</Route>
          <Route>
            <h1 className="page-title">Not found</h1>
            <Empty>
              There is nothing at this address. <Link href="/">Go home</Link>
            </Empty>
          </Route>
        </Switch>
      </main>
      <ShortcutHelp />
    </>
  );
}
