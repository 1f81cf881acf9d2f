/**
 * Keyboard shortcuts, as in most feed readers: j/k move between posts, l likes the focused
 * post, o or Enter opens it, n writes a new post, "." refreshes, g then h goes home, ? lists them.
 */
export type Action = "refresh" | "compose" | "help";

export const SHORTCUTS: [string, string][] = [
  ["j / k", "next / previous post"],
  ["l", "like or unlike the focused post"],
  ["o or Enter", "open the focused post"],
  ["n", "write a new post"],
  [".", "refresh the feed"],
  ["g h", "go home"],
  ["?", "show these shortcuts"],
];

const handlers = new Map<Action, Set<() => void>>();

/** Runs `handler` on `action`; returns the unsubscribe function (an effect's cleanup). */
export function onShortcut(action: Action, handler: () => void): () => void {
  const set = handlers.get(action) ?? new Set();
  handlers.set(action, set);
  set.add(handler);
  return () => set.delete(handler);
}

function fire(action: Action): void {
  handlers.get(action)?.forEach((h) => h());
}

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function focusedPost(): HTMLElement | null {
  return document.activeElement?.closest<HTMLElement>("article.post") ?? null;
}

function move(step: 1 | -1): void {
  const posts = [...document.querySelectorAll<HTMLElement>("article.post")];
  if (posts.length === 0) return;
  const current = focusedPost();
  const index = current ? posts.indexOf(current) + step : step === 1 ? 0 : posts.length - 1;
  const next = posts[Math.max(0, Math.min(posts.length - 1, index))];
  next?.focus();
  next?.scrollIntoView({ block: "nearest" });
}

let pendingG = false;

/** The one keydown listener; `navigate` changes route. Returns the cleanup. */
export function installShortcuts(navigate: (to: string) => void): () => void {
  const listener = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    const post = focusedPost();
    const key = e.key;
    if (pendingG) {
      pendingG = false;
      if (key === "h") navigate("/");
      return;
    }
    if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "l" && post) post.querySelector<HTMLButtonElement>('[data-action="like"]')?.click();
    else if ((key === "o" || (key === "Enter" && e.target === post)) && post)
      post.querySelector<HTMLElement>('[data-action="open"]')?.click();
    else if (key === "n") fire("compose");
    else if (key === ".") fire("refresh");
    else if (key === "?") fire("help");
    else if (key === "g") pendingG = true;
    else return;
    e.preventDefault();
  };
  document.addEventListener("keydown", listener);
  return () => document.removeEventListener("keydown", listener);
}
