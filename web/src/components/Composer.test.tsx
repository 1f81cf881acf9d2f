import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Media, Post } from "../api/client";
import { Composer } from "./Composer";

const uploads: { progress: (f: number) => void; done: (m: Media) => void }[] = [];

vi.mock("../api/client", async (original) => ({
  ...(await original<typeof import("../api/client")>()),
  uploadMedia: vi.fn(
    (_file: File, progress: (f: number) => void) => new Promise<Media>((done) => uploads.push({ progress, done })),
  ),
  createPost: vi.fn(async (text: string, mediaIds: string[]) => ({ id: "1", text, mediaIds }) as unknown as Post),
}));

const { createPost } = await import("../api/client");

beforeEach(() => {
  uploads.length = 0;
  URL.createObjectURL = vi.fn(() => "blob:preview");
  URL.revokeObjectURL = vi.fn();
});

const image = (name: string) => new File([new Uint8Array([137, 80, 78, 71])], name, { type: "image/png" });

describe("Composer", () => {
  it("uploads up to four images with previews and progress, then posts them", async () => {
    const onPosted = vi.fn();
    render(<Composer onPosted={onPosted} />);
    await userEvent.type(screen.getByLabelText("What's happening?"), "four pictures");
    await userEvent.upload(screen.getByLabelText(/Add images/), ["a", "b", "c", "d", "e"].map((n) => image(`${n}.png`)));

    expect(screen.getAllByRole("img")).toHaveLength(4); // the fifth is refused
    expect(screen.getByRole("img", { name: "Image 1: a.png" })).toBeTruthy();
    expect(screen.getByLabelText(/Add images/)).toHaveProperty("disabled", true);
    const post = screen.getByRole("button", { name: "Uploading…" });
    expect(post).toHaveProperty("disabled", true);

    act(() => uploads[0]!.progress(0.5));
    expect(screen.getByRole("progressbar", { name: "Upload of a.png" }).getAttribute("value")).toBe("0.5");

    act(() => uploads.forEach((u, i) => u.done({ id: `m${i}`, url: "/media/x", content_type: "image/png", size: 4 })));
    const ready = await screen.findByRole("button", { name: "Post" });
    await userEvent.click(ready);
    await waitFor(() => expect(onPosted).toHaveBeenCalled());
    expect(createPost).toHaveBeenCalledWith("four pictures", ["m0", "m1", "m2", "m3"]);
    expect(screen.queryAllByRole("img")).toHaveLength(0);
    expect(screen.getByLabelText("What's happening?")).toHaveProperty("value", "");
  });

  it("lets an image be removed before posting", async () => {
    render(<Composer onPosted={() => {}} />);
    await userEvent.upload(screen.getByLabelText(/Add images/), [image("a.png"), image("b.png")]);
    await userEvent.click(screen.getByRole("button", { name: "Remove image 1" }));
    expect(screen.getAllByRole("img")).toHaveLength(1);
    expect(screen.getByRole("img", { name: "Image 1: b.png" })).toBeTruthy();
    expect(URL.revokeObjectURL).toHaveBeenCalledOnce();
  });
});
