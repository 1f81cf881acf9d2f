/// <reference types="vitest/config" />
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The production build is package data of the ASGI adapter, served by `feedctl serve` at `/`.
const outDir = resolve(__dirname, "../adapters/feedcore_asgi/webui");

export default defineConfig({
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000, // the API reference page (Swagger UI) is one large, lazily loaded chunk
    rollupOptions: {
      input: { app: resolve(__dirname, "index.html"), docs: resolve(__dirname, "docs.html") },
    },
  },
  server: {
    // `npm run dev` proxies the API to a local `feedctl serve`
    proxy: Object.fromEntries(
      ["/v1", "/media", "/oauth", "/openapi.json", "/healthz", "/readyz", "/.well-known"].map((p) => [
        p,
        "http://127.0.0.1:8000",
      ]),
    ),
  },
  test: {
    environment: "happy-dom",
    setupFiles: ["src/test-setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
