import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FeedItem } from "../api/client";
import { alice, json, mockFetch, signIn } from "../test-utils";
import { PostCard } from "./PostCard";

const item: FeedItem = {
  post: { id: "900", author_id: "202", text: "hello", media: [], created_at: new Date().toISOString(), edited_at: null },
  author: { id: "202", handle: "bob", display_name: "Bob" },
  like_count: 3,
  comment_count: 1,
  liked_by_me: false,
};

const renderCard = (props: Partial<React.ComponentProps<typeof PostCard>> = {}) =>
  render(
    <Router>
      <PostCard item={item} {...props} />
    </Router>,
  );

afterEach(() => vi.unstubAllGlobals());

describe("PostCard", () => {
  it("likes optimistically and reports the change", async () => {
    signIn();
    let release!: () => void;
    const fetchMock = mockFetch((request) => {
      expect(request.method).toBe("PUT");
      expect(new URL(request.url).pathname).toBe("/v1/posts/900/like");
      return new Promise((resolve) => (release = () => resolve(json(null, 204))));
    });
    const onChange = vi.fn();
    renderCard({ onChange });
    await userEvent.click(screen.getByRole("button", { name: "Like, 3 likes" }));
    // shown at once, before the server answers
    expect(screen.getByRole("button", { name: "Like, 4 likes", pressed: true })).toBeTruthy();
    release();
    await waitFor(() => expect(onChange).toHaveBeenCalledWith({ ...item, liked_by_me: true, like_count: 4 }));
    expect(fetchMock).toHaveBeenCalledOnce();
  });

  it("rolls the like back when the server refuses it", async () => {
    signIn();
    mockFetch(() => json({ error: { code: "not_found", message: "no post 900" } }, 404));
    renderCard();
    await userEvent.click(screen.getByRole("button", { name: "Like, 3 likes" }));
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "no post 900");
    expect(screen.getByRole("button", { name: "Like, 3 likes", pressed: false })).toBeTruthy();
  });

  it("offers edit and delete only to the author", () => {
    signIn(alice);
    const { unmount } = renderCard();
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
    unmount();
    renderCard({ item: { ...item, author: { id: alice.id, handle: "alice", display_name: "Alice" } } });
    expect(screen.getByRole("button", { name: "Edit" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Delete" })).toBeTruthy();
  });

  it("edits the text in place", async () => {
    signIn(alice);
    mockFetch(async (request) => {
      expect(request.method).toBe("PATCH");
      const body = (await request.json()) as { text: string };
      return json({ ...item.post, text: body.text, edited_at: new Date().toISOString(), like_count: 3, comment_count: 1 });
    });
    const onChange = vi.fn();
    renderCard({ item: { ...item, author: { id: alice.id, handle: "alice", display_name: "Alice" } }, onChange });
    await userEvent.click(screen.getByRole("button", { name: "Edit" }));
    const box = screen.getByLabelText("Edit post");
    await userEvent.clear(box);
    await userEvent.type(box, "hello again");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(onChange.mock.calls[0]![0].post.text).toBe("hello again");
  });
});
