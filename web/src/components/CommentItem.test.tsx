import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Comment } from "../api/client";
import { alice, json, mockFetch, signIn } from "../test-utils";
import { CommentItem } from "./CommentItem";

const comment: Comment = {
  id: "700",
  post_id: "900",
  author_id: alice.id,
  text: "frist",
  created_at: new Date().toISOString(),
};

afterEach(() => vi.unstubAllGlobals());

describe("CommentItem", () => {
  it("lets its author edit it in place", async () => {
    signIn();
    mockFetch(async (request) => {
      const path = new URL(request.url).pathname;
      if (request.method === "GET") return json({ ...alice, followed_by_me: false });
      expect([request.method, path]).toEqual(["PATCH", "/v1/comments/700"]);
      const body = (await request.json()) as { text: string };
      return json({ ...comment, text: body.text });
    });
    const onChange = vi.fn();
    render(
      <Router>
        <CommentItem comment={comment} editable deletable onChange={onChange} onDelete={vi.fn()} />
      </Router>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Edit comment" }));
    const box = screen.getByLabelText("Edit comment");
    await userEvent.clear(box);
    await userEvent.type(box, "first");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onChange).toHaveBeenCalledWith({ ...comment, text: "first" }));
    expect(screen.queryByLabelText("Edit comment")).toBeNull();
  });

  it("offers no edit to others", () => {
    signIn();
    mockFetch(() => json({ ...alice, followed_by_me: false }));
    render(
      <Router>
        <CommentItem comment={comment} editable={false} deletable onChange={vi.fn()} onDelete={vi.fn()} />
      </Router>,
    );
    expect(screen.queryByRole("button", { name: "Edit comment" })).toBeNull();
    expect(screen.getByRole("button", { name: "Delete comment" })).toBeTruthy();
  });
});
