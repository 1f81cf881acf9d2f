import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockFetch, signIn } from "../test-utils";
import { FollowButton } from "./FollowButton";

afterEach(() => vi.unstubAllGlobals());

describe("FollowButton", () => {
  it("starts from the profile's followed_by_me, asking nothing, then unfollows", async () => {
    signIn();
    const fetchMock = mockFetch((request) => {
      expect(request.method).toBe("DELETE");
      expect(new URL(request.url).pathname).toBe("/v1/me/following/202");
      return json(null, 204);
    });
    const onChange = vi.fn();
    render(<FollowButton userId="202" handle="bob" followed onChange={onChange} />);
    expect(screen.getByRole("button", { name: "Unfollow @bob", pressed: true })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Unfollow @bob" }));
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(-1));
    expect(screen.getByRole("button", { name: "Follow @bob", pressed: false })).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledOnce();
  });
});
