import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, degraded, rateLimitedUntil } from "../api/client";
import { online } from "../lib/online";
import { Banners } from "./Banners";
import { ErrorNotice } from "./Notice";

afterEach(() => {
  vi.useRealTimers();
  degraded.set(false);
  rateLimitedUntil.set(null);
  online.set(true);
});

describe("ErrorNotice", () => {
  it("says when a rate-limited request may be retried, counting down", () => {
    vi.useFakeTimers();
    const retry = vi.fn();
    render(<ErrorNotice error={new ApiError(429, "rate_limited", "rate limit exceeded", 3)} retry={retry} />);
    expect(screen.getByRole("alert").textContent).toContain("Too many requests. Try again in 3 s.");
    expect(screen.getByRole("button", { name: "Try again" })).toHaveProperty("disabled", true);
    act(() => vi.advanceTimersByTime(3000));
    expect(screen.getByRole("alert").textContent).toContain("You can try again now.");
    expect(screen.getByRole("button", { name: "Try again" })).toHaveProperty("disabled", false);
  });

  it("shows the server's message for other errors", () => {
    render(<ErrorNotice error={new ApiError(404, "not_found", "no user @nobody")} />);
    expect(screen.getByRole("alert").textContent).toBe("no user @nobody");
  });
});

describe("Banners", () => {
  it("shows degraded, offline and rate-limited conditions", () => {
    render(<Banners />);
    expect(screen.queryAllByRole("status")).toHaveLength(0);
    act(() => degraded.set(true));
    expect(screen.getByText(/degraded/)).toBeTruthy();
    act(() => online.set(false));
    expect(screen.getByText(/You are offline/)).toBeTruthy();
    act(() => rateLimitedUntil.set(Date.now() + 10_000));
    expect(screen.getByText(/Try again in 10 s/)).toBeTruthy();
  });
});
