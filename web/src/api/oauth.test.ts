import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockFetch } from "../test-utils";
import { session } from "./client";
import { CLIENT_ID, SignInError, authorizationUrl, challengeOf, completeSignIn } from "./oauth";

afterEach(() => {
  vi.unstubAllGlobals();
  session.set(null);
  sessionStorage.clear();
});

const me = { id: "7", handle: "erin", display_name: "", bio: "", created_at: "2026-01-01T00:00:00Z", follower_count: 0, following_count: 0, post_count: 0 };

describe("authorization code + PKCE", () => {
  it("computes the S256 challenge of RFC 7636's example", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("sends the browser to the authorization endpoint with a challenge and a state", async () => {
    const url = new URL(await authorizationUrl("/@erin"), location.origin);
    expect(url.pathname).toBe("/v1/auth/authorize");
    const q = url.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(CLIENT_ID);
    expect(q.get("redirect_uri")).toBe(`${location.origin}/callback`);
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("exchanges the code with the verifier and starts the session", async () => {
    const url = new URL(await authorizationUrl("/@erin"), location.origin);
    const state = url.searchParams.get("state")!;
    let verifier = "";
    mockFetch(async (request) => {
      if (new URL(request.url).pathname === "/v1/auth/token") {
        const body = (await request.json()) as Record<string, string>;
        expect(body).toMatchObject({ grant_type: "authorization_code", code: "c0de", client_id: CLIENT_ID });
        verifier = body.code_verifier!;
        return json({ access_token: "a", token_type: "Bearer", expires_in: 900, refresh_token: "r", scope: "read" });
      }
      return json(me);
    });
    const done = await completeSignIn(`?code=c0de&state=${state}`);
    expect(done.returnTo).toBe("/@erin");
    expect(await challengeOf(verifier)).toBe(url.searchParams.get("code_challenge"));
    expect(session.get()?.user.handle).toBe("erin");
  });

  it("refuses a callback whose state it did not send", async () => {
    await authorizationUrl();
    const fetchMock = mockFetch(() => json({}));
    await expect(completeSignIn("?code=c0de&state=forged")).rejects.toBeInstanceOf(SignInError);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(session.get()).toBeNull();
  });

  it("says so when the user denied the request", async () => {
    await authorizationUrl();
    await expect(completeSignIn("?error=access_denied&state=x")).rejects.toThrow("You did not allow the sign-in.");
  });
});
