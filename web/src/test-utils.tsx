import { vi } from "vitest";
import { session, type User } from "./api/client";

export const alice: User = {
  id: "101",
  handle: "alice",
  display_name: "Alice",
  bio: "",
  created_at: "2026-01-01T00:00:00.000Z",
  follower_count: 0,
  following_count: 0,
  post_count: 1,
};

export function signIn(user: User = alice): void {
  session.set({ accessToken: "access", refreshToken: "refresh", expiresAt: Date.now() + 900_000, user });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** Replaces fetch with `answer(request)`; returns the mock to inspect the requests. */
export function mockFetch(answer: (request: Request) => Response | Promise<Response>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
    answer(input instanceof Request ? input : new Request(input, init)),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}
