/**
 * Signing in with OAuth 2's authorization code + PKCE (RFC 7636): the bundled app is the
 * server's built-in public client `feedcore-web`, whose redirect URI is `/callback` on the
 * server's own origin. The password is typed on the server's sign-in page, never in the app.
 */
import { type User, api, ok, startSession } from "./client";

export const CLIENT_ID = "feedcore-web";
export const SCOPE = "read write follow";
const AUTHORIZE_PATH = "/v1/auth/authorize";
const PENDING_KEY = "feedcore.signin";

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

const randomToken = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** PKCE needs WebCrypto, which browsers offer only in secure contexts (https, localhost). */
export const canUseCodeFlow = () => typeof crypto !== "undefined" && crypto.subtle !== undefined;

export const redirectUri = () => `${location.origin}/callback`;

/** The authorization URL to send the browser to; remembers the state and verifier for
 * {@link completeSignIn} in sessionStorage (this tab only). */
export async function authorizationUrl(returnTo = "/"): Promise<string> {
  const pending: Pending = { state: randomToken(), verifier: randomToken(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: SCOPE,
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: "S256",
  });
  return `${AUTHORIZE_PATH}?${query}`;
}

export class SignInError extends Error {
  override name = "SignInError";
}

/** Finishes a sign-in at the redirect URI: checks the state, exchanges the code (with the
 * verifier) for tokens, and starts the session. Returns where to go next. Raises SignInError
 * (refused, expired, or not started in this tab) or ApiError. */
export async function completeSignIn(search: string): Promise<{ user: User; returnTo: string }> {
  const params = new URLSearchParams(search);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  if (params.get("error")) {
    const reason = params.get("error") === "access_denied" ? "You did not allow the sign-in." : params.get("error_description");
    throw new SignInError(reason || `The sign-in failed (${params.get("error")}).`);
  }
  const code = params.get("code");
  if (!pending || !code || params.get("state") !== pending.state) {
    throw new SignInError("This sign-in was not started here, or it expired. Start again.");
  }
  const tokens = await ok(
    api.POST("/v1/auth/token", {
      body: {
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri(),
        client_id: CLIENT_ID,
        code_verifier: pending.verifier,
      },
    }),
  );
  const user = await ok(api.GET("/v1/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } }));
  startSession(tokens, user);
  return { user, returnTo: pending.returnTo };
}
