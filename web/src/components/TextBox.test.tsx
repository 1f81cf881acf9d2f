import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { TextBox } from "./TextBox";

describe("TextBox", () => {
  it("counts characters down and refuses text over the limit", async () => {
    const onSubmit = vi.fn();
    render(<TextBox label="Post text" max={10} submitLabel="Post" onSubmit={onSubmit} />);
    const submit = screen.getByRole("button", { name: "Post" });
    expect(submit).toHaveProperty("disabled", true); // empty
    await userEvent.type(screen.getByLabelText("Post text"), "hello");
    expect(screen.getByText("5 characters left")).toBeTruthy();
    expect(submit).toHaveProperty("disabled", false);
    await userEvent.type(screen.getByLabelText("Post text"), " world!");
    expect(screen.getByText("2 characters too many")).toBeTruthy();
    expect(submit).toHaveProperty("disabled", true);
    await userEvent.click(submit);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("counts an emoji as one character, as the server does", async () => {
    render(<TextBox label="Post text" max={10} submitLabel="Post" onSubmit={() => {}} />);
    await userEvent.type(screen.getByLabelText("Post text"), "😀😀");
    expect(screen.getByText("8 characters left")).toBeTruthy();
  });

  it("submits with Ctrl+Enter", async () => {
    const onSubmit = vi.fn();
    render(<TextBox label="Post text" max={10} submitLabel="Post" onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Post text"), "hi{Control>}{Enter}{/Control}");
    expect(onSubmit).toHaveBeenCalledWith("hi");
  });
});
