import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FeedItem } from "../api/client";
import { json, mockFetch, signIn } from "../test-utils";
import { Home, NEW_POSTS_POLL_MS } from "./Home";

const item = (id: string, text: string): FeedItem => ({
  post: { id, author_id: "202", text, media: [], created_at: new Date().toISOString(), edited_at: null },
  author: { id: "202", handle: "bob", display_name: "Bob" },
  like_count: 0,
  comment_count: 0,
  liked_by_me: false,
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("Home", () => {
  it("says how many new posts arrived and shows them on request", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    signIn();
    let feed = [item("1002", "second"), item("1001", "first")];
    mockFetch(() => json({ items: feed, next_cursor: null }));
    render(
      <Router>
        <Home />
      </Router>,
    );
    expect(await screen.findByText("second")).toBeTruthy();

    feed = [item("1004", "fourth"), item("1003", "third"), ...feed];
    await act(() => vi.advanceTimersByTimeAsync(NEW_POSTS_POLL_MS));
    const show = await screen.findByRole("button", { name: "Show 2 new posts" });
    expect(screen.queryByText("fourth")).toBeNull();

    await userEvent.click(show);
    const texts = screen.getAllByRole("article").map((a) => a.querySelector(".post-text")?.textContent);
    expect(texts).toEqual(["fourth", "third", "second", "first"]);
    expect(screen.queryByRole("button", { name: /new post/ })).toBeNull();
  });

  it("shows the empty state and an error with a retry", async () => {
    signIn();
    mockFetch(() => json({ error: { code: "unavailable", message: "the store is down" } }, 503));
    render(
      <Router>
        <Home />
      </Router>,
    );
    expect((await screen.findByRole("alert")).textContent).toContain("the store is down");
    mockFetch(() => json({ items: [], next_cursor: null }));
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText(/Your feed is empty/)).toBeTruthy();
  });
});
