// Reports the JavaScript a first visit to `/` downloads (the entry script and the modules it
// preloads), gzipped, and fails above the budget.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 200;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../../adapters/feedcore_asgi/webui");
const html = readFileSync(join(dist, "index.html"), "utf8");
const urls = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => m[1]);

let total = 0;
for (const url of urls) {
  const bytes = gzipSync(readFileSync(join(dist, url)), { level: 9 }).length;
  total += bytes;
  console.log(`  ${url}  ${(bytes / 1024).toFixed(1)} KB gzipped`);
}
console.log(`first-load JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (total > BUDGET_KB * 1024) process.exit(1);
