import { useEffect, useRef, useState } from "react";
import { Link, useLocation } from "wouter";
import { logIn, session, signUp, updateProfile } from "../api/client";
import { authorizationUrl, canUseCodeFlow, completeSignIn } from "../api/oauth";
import { Field } from "../components/Field";
import { ErrorNotice, Loading } from "../components/Notice";
import { useStore } from "../lib/store";

/** A form's submit state: busy while `action` runs, its error after. */
function useSubmit(action: (form: FormData) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await action(new FormData(event.currentTarget));
      setDone(true);
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, onSubmit };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** Log in: on the server's sign-in page (authorization code + PKCE), where browsers allow
 * it; elsewhere (plain http on another host: no WebCrypto) with the password grant. */
export function LogIn() {
  return canUseCodeFlow() ? <CodeFlowLogIn /> : <PasswordLogIn />;
}

function CodeFlowLogIn() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function start() {
    setBusy(true);
    setError(null);
    try {
      window.location.assign(await authorizationUrl("/"));
    } catch (exc) {
      setError(exc);
      setBusy(false);
    }
  }
  return (
    <section className="card narrow">
      <h1>Log in to feedcore</h1>
      <p>You sign in on feedcore's own sign-in page and come back here; this app never sees your password.</p>
      {error !== null && <ErrorNotice error={error} />}
      <button type="button" className="primary" onClick={start} disabled={busy} aria-busy={busy}>
        {busy ? "Going to the sign-in page…" : "Log in"}
      </button>
      <p>
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </section>
  );
}

function PasswordLogIn() {
  const [, navigate] = useLocation();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    await logIn(text(form, "username"), text(form, "password"));
    navigate("/", { replace: true });
  });
  return (
    <section className="card narrow">
      <h1>Log in to feedcore</h1>
      <form onSubmit={onSubmit}>
        <Field label="Handle" name="username" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        {error !== null && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p>
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </section>
  );
}

/** The redirect URI: exchanges the code for tokens, then goes where the sign-in started. */
export function Callback() {
  const [, navigate] = useLocation();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeSignIn(window.location.search).then(
      ({ returnTo }) => navigate(returnTo, { replace: true }),
      (exc: unknown) => setError(exc),
    );
  }, [navigate]);
  if (error === null) return <Loading what="Signing you in" />;
  return (
    <section className="card narrow">
      <h1>Sign-in not completed</h1>
      <p role="alert">{error instanceof Error ? error.message : "The sign-in failed."}</p>
      <Link href="/login">Back to log in</Link>
    </section>
  );
}

export function SignUp() {
  const [, navigate] = useLocation();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    await signUp(text(form, "handle"), text(form, "password"), text(form, "display_name"));
    navigate("/", { replace: true });
  });
  return (
    <section className="card narrow">
      <h1>Create your account</h1>
      <form onSubmit={onSubmit}>
        <Field label="Handle" name="handle" autoComplete="username" required autoFocus hint="3–30 letters, digits or underscores; how others find you." />
        <Field label="Display name" name="display_name" autoComplete="name" hint="Optional." />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} hint="At least 8 characters." />
        {error !== null && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? "Creating…" : "Sign up"}
        </button>
      </form>
      <p>
        Have an account? <Link href="/login">Log in</Link>
      </p>
    </section>
  );
}

export function Settings() {
  const me = useStore(session)!.user;
  const { busy, error, done, onSubmit } = useSubmit((form) => updateProfile(text(form, "display_name"), text(form, "bio")));
  return (
    <section className="card">
      <h1>Profile settings</h1>
      <form onSubmit={onSubmit}>
        <Field label="Display name" name="display_name" defaultValue={me.display_name} autoComplete="name" />
        <div className="field">
          <label htmlFor="bio">Bio</label>
          <textarea id="bio" name="bio" defaultValue={me.bio} rows={4} />
        </div>
        {error !== null && <ErrorNotice error={error} />}
        {done && (
          <p className="notice ok" role="status">
            Saved.
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          Save
        </button>
      </form>
      <p>
        Your handle is <strong>@{me.handle}</strong>. <Link href={`/@${me.handle}`}>See your profile</Link>
      </p>
    </section>
  );
}
