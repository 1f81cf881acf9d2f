import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockFetch, signIn } from "../test-utils";
import { ApiError, degraded, homeFeed, logIn, rateLimitedUntil, session } from "./client";

afterEach(() => {
  vi.unstubAllGlobals();
  degraded.set(false);
  rateLimitedUntil.set(null);
  session.set(null);
});

describe("api client", () => {
  it("sends the access token and records the degraded header", async () => {
    signIn();
    const fetchMock = mockFetch(() => json({ items: [], next_cursor: null }, 200, { "X-Feedcore-Degraded": "true" }));
    await homeFeed();
    expect((fetchMock.mock.calls[0]![0] as Request).headers.get("Authorization")).toBe("Bearer access");
    expect(degraded.get()).toBe(true);
  });

  it("turns a 429 into an ApiError with Retry-After and remembers until when", async () => {
    signIn();
    mockFetch(() => json({ error: { code: "rate_limited", message: "rate limit exceeded" } }, 429, { "Retry-After": "7" }));
    const error = await homeFeed().catch((exc: unknown) => exc);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", retryAfter: 7 });
    expect(rateLimitedUntil.get()! - Date.now()).toBeGreaterThan(6000);
  });

  it("refreshes an access token about to expire before using it", async () => {
    session.set({ accessToken: "old", refreshToken: "r1", expiresAt: Date.now() + 1000, user: { id: "1" } as never });
    const seen: string[] = [];
    mockFetch(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/v1/auth/token") {
        expect(await request.json()).toEqual({ grant_type: "refresh_token", refresh_token: "r1" });
        return json({ access_token: "new", token_type: "Bearer", expires_in: 900, refresh_token: "r2" });
      }
      seen.push(request.headers.get("Authorization") ?? "");
      return json({ items: [], next_cursor: null });
    });
    await homeFeed();
    expect(seen).toEqual(["Bearer new"]);
    expect(session.get()?.refreshToken).toBe("r2");
  });

  it("logs in with the password grant and keeps the session", async () => {
    mockFetch((request) =>
      new URL(request.url).pathname === "/v1/auth/token"
        ? json({ access_token: "a", token_type: "Bearer", expires_in: 900, refresh_token: "r" })
        : json({ id: "5", handle: "carol", display_name: "", bio: "", created_at: "2026-01-01T00:00:00Z", follower_count: 0, following_count: 0, post_count: 0 }),
    );
    await logIn("carol", "pw");
    expect(session.get()?.user.handle).toBe("carol");
    expect(JSON.parse(localStorage.getItem("feedcore.session")!).accessToken).toBe("a");
  });

  it("reads the token endpoint's OAuth errors", async () => {
    mockFetch(() => json({ error: "invalid_grant", error_description: "wrong handle or password" }, 400));
    await expect(logIn("carol", "nope")).rejects.toMatchObject({ code: "invalid_grant", message: "wrong handle or password" });
    expect(session.get()).toBeNull();
  });

  it("ends the session on a 401", async () => {
    signIn();
    mockFetch(() => json({ error: { code: "unauthorized", message: "token expired" } }, 401));
    await expect(homeFeed()).rejects.toThrow("token expired");
    expect(session.get()).toBeNull();
  });
});
