import { createStore } from "./store";

/** Whether the browser believes it is online (`navigator.onLine` and its events). */
export const online = createStore(typeof navigator === "undefined" ? true : navigator.onLine);
if (typeof window !== "undefined") {
  window.addEventListener("online", () => online.set(true));
  window.addEventListener("offline", () => online.set(false));
}
