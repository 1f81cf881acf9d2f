/**
 * The one module that talks to feedcore's public HTTP API. Types come from the generated
 * `schema.d.ts`; every call goes through `openapi-fetch`, which adds the bearer token,
 * refreshes it before it expires, and records the degraded and rate-limited signals the UI shows.
 */
import createClient, { type Middleware } from "openapi-fetch";
import { createStore } from "../lib/store";
import type { components, paths } from "./schema";

export type User = components["schemas"]["User"];
export type Profile = components["schemas"]["Profile"];
export type UserCard = components["schemas"]["UserCard"];
export type Post = components["schemas"]["Post"];
export type FeedItem = components["schemas"]["FeedItem"];
export type Comment = components["schemas"]["Comment"];
export type Media = components["schemas"]["Media"];
type Tokens = components["schemas"]["Tokens"];
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** What the server allows (feedcore's default settings). */
export const MAX_POST_LENGTH = 500;
export const MAX_COMMENT_LENGTH = 500;
export const MAX_MEDIA_PER_POST = 4;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/** An API error in feedcore's one error shape; `retryAfter` (seconds) on 429 and 503. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string | null; // null: the session ends when the access token expires
  expiresAt: number; // ms since the epoch
  user: User;
}

const SESSION_KEY = "feedcore.session";

function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** The signed-in user and tokens (persisted in localStorage), or null. */
export const session = createStore<Session | null>(loadSession());
session.subscribe(() => {
  const value = session.get();
  if (value) localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  else localStorage.removeItem(SESSION_KEY);
});
/** The last feed response was served while a backend was down (`X-Feedcore-Degraded`). */
export const degraded = createStore(false);
/** When the rate limit lets requests through again (ms since the epoch), or null. */
export const rateLimitedUntil = createStore<number | null>(null);

const REFRESH_MARGIN_MS = 30_000;
let refreshing: Promise<void> | null = null;

function retryAfter(response: Response): number | null {
  const value = Number(response.headers.get("Retry-After"));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** feedcore's error shape (`{"error": {"code", "message"}}`) or OAuth's (`{"error",
 * "error_description"}`, from the token endpoint) as an ApiError; anything else (a proxy's
 * page, an empty body) keeps the status line. */
function toError(response: Response, body: unknown): ApiError {
  const { error, error_description } = (body ?? {}) as { error?: unknown; error_description?: unknown };
  const shape = typeof error === "object" && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
  const code = typeof error === "string" ? error : typeof shape.code === "string" ? shape.code : "http_error";
  const text = typeof error === "string" ? error_description : shape.message;
  const message = typeof text === "string" && text ? text : `${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, code, message, retryAfter(response));
}

const signals: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (schemaPath === "/v1/auth/token" || schemaPath === "/v1/auth/revoke") return request;
    const current = session.get();
    if (current && current.expiresAt - Date.now() < REFRESH_MARGIN_MS) await refresh(current);
    const token = session.get()?.accessToken;
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 429) {
      rateLimitedUntil.set(Date.now() + (retryAfter(response) ?? 60) * 1000);
    }
    if (response.ok && (schemaPath === "/v1/feed" || schemaPath === "/v1/users/{user}/posts")) {
      degraded.set(response.headers.get("X-Feedcore-Degraded") === "true");
    }
    if (response.status === 401 && session.get() && schemaPath !== "/v1/auth/token") session.set(null);
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: typeof location === "undefined" ? "" : location.origin,
  // late-bound, so tests (and offline detection) see the current window.fetch
  fetch: (request) => globalThis.fetch(request),
});
api.use(signals);

/** The data of an openapi-fetch result, or its error as an ApiError. */
export async function ok<T>(result: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let outcome: Awaited<typeof result>;
  try {
    outcome = await result;
  } catch {
    throw new ApiError(0, "network_error", navigator.onLine ? "The server could not be reached." : "You are offline.");
  }
  if (!outcome.response.ok) throw toError(outcome.response, outcome.error);
  return outcome.data as T;
}

export function startSession(tokens: Tokens, user: User): void {
  session.set({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    user,
  });
}

async function refresh(current: Session): Promise<void> {
  if (!current.refreshToken) {
    if (current.expiresAt <= Date.now()) session.set(null);
    return;
  }
  refreshing ??= ok(
    api.POST("/v1/auth/token", { body: { grant_type: "refresh_token", refresh_token: current.refreshToken } }),
  )
    .then((tokens) => startSession(tokens, current.user))
    .catch(() => session.set(null))
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

// --- accounts ---------------------------------------------------------------------------

/** Signs in with the password grant (first-party clients only: sign-up, and browsers without
 * WebCrypto, where PKCE cannot run; see `oauth.ts` for the usual sign-in). */
export async function logIn(username: string, password: string): Promise<User> {
  const tokens = await ok(api.POST("/v1/auth/token", { body: { grant_type: "password", username, password } }));
  const user = await ok(
    api.GET("/v1/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } }),
  );
  startSession(tokens, user);
  return user;
}

export async function signUp(handle: string, password: string, displayName: string): Promise<User> {
  await ok(api.POST("/v1/users", { body: { handle, password, display_name: displayName || undefined } }));
  return logIn(handle, password);
}

export async function logOut(): Promise<void> {
  const current = session.get();
  session.set(null);
  const token = current?.refreshToken ?? current?.accessToken;
  if (token) await ok(api.POST("/v1/auth/revoke", { body: { token } })).catch(() => {});
}

export async function updateProfile(displayName: string, bio: string): Promise<User> {
  const user = await ok(api.PATCH("/v1/me", { body: { display_name: displayName, bio } }));
  const current = session.get();
  if (current) session.set({ ...current, user });
  users.delete(user.id);
  return user;
}

// --- users and the graph ----------------------------------------------------------------

const users = new Map<string, Promise<Profile>>();

/** A user by id or handle, with whether the signed-in user follows them; by id, remembered for
 * the page's lifetime (comment authors). */
export function getUser(user: string, fresh = false): Promise<Profile> {
  const known = users.get(user);
  if (known && !fresh) return known;
  const loading = ok(api.GET("/v1/users/{user}", { params: { path: { user } } }));
  if (/^\d+$/.test(user)) {
    users.set(user, loading);
    loading.catch(() => users.delete(user));
  }
  return loading;
}

export const followers = (user: string, cursor?: string) =>
  ok(api.GET("/v1/users/{user}/followers", { params: { path: { user }, query: { cursor } } }));
export const following = (user: string, cursor?: string, limit?: number) =>
  ok(api.GET("/v1/users/{user}/following", { params: { path: { user }, query: { cursor, limit } } }));
export const follow = (user: string) => ok(api.PUT("/v1/me/following/{user}", { params: { path: { user } } }));
export const unfollow = (user: string) => ok(api.DELETE("/v1/me/following/{user}", { params: { path: { user } } }));

// --- feeds, posts, likes, comments ------------------------------------------------------

export const homeFeed = (cursor?: string, limit?: number) =>
  ok(api.GET("/v1/feed", { params: { query: { cursor, limit } } }));
export const userPosts = (user: string, cursor?: string) =>
  ok(api.GET("/v1/users/{user}/posts", { params: { path: { user }, query: { cursor } } }));
export const getPost = (postId: string) => ok(api.GET("/v1/posts/{post_id}", { params: { path: { post_id: postId } } }));
export const createPost = (text: string, mediaIds: string[]) =>
  ok(api.POST("/v1/posts", { body: { text, media_ids: mediaIds } }));
export const editPost = (postId: string, text: string) =>
  ok(api.PATCH("/v1/posts/{post_id}", { params: { path: { post_id: postId } }, body: { text } }));
export const deletePost = (postId: string) =>
  ok(api.DELETE("/v1/posts/{post_id}", { params: { path: { post_id: postId } } }));
export const like = (postId: string) =>
  ok(api.PUT("/v1/posts/{post_id}/like", { params: { path: { post_id: postId } } }));
export const unlike = (postId: string) =>
  ok(api.DELETE("/v1/posts/{post_id}/like", { params: { path: { post_id: postId } } }));
export const comments = (postId: string, cursor?: string) =>
  ok(api.GET("/v1/posts/{post_id}/comments", { params: { path: { post_id: postId }, query: { cursor } } }));
export const addComment = (postId: string, text: string) =>
  ok(api.POST("/v1/posts/{post_id}/comments", { params: { path: { post_id: postId } }, body: { text } }));
export const editComment = (commentId: string, text: string) =>
  ok(api.PATCH("/v1/comments/{comment_id}", { params: { path: { comment_id: commentId } }, body: { text } }));
export const deleteComment = (commentId: string) =>
  ok(api.DELETE("/v1/comments/{comment_id}", { params: { path: { comment_id: commentId } } }));

/** Upload one image, reporting progress (0..1). XMLHttpRequest, because fetch cannot report
 * upload progress. */
export function uploadMedia(file: File, onProgress: (fraction: number) => void): Promise<Media> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/media");
    const token = session.get()?.accessToken;
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", file.type);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status line describes it
      }
      if (xhr.status === 201) return resolve(body as Media);
      const response = new Response(null, {
        status: xhr.status,
        statusText: xhr.statusText,
        headers: { "Retry-After": xhr.getResponseHeader("Retry-After") ?? "" },
      });
      if (xhr.status === 429) rateLimitedUntil.set(Date.now() + (retryAfter(response) ?? 60) * 1000);
      reject(toError(response, body));
    };
    xhr.onerror = () => reject(new ApiError(0, "network_error", "The upload failed: the server could not be reached."));
    xhr.send(file);
  });
}
