// CI: rebuilds the web client into a temporary directory and fails when the build committed
// in the Python package (adapters/feedcore_asgi/webui) is not the build of this source.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const committed = resolve(root, "../adapters/feedcore_asgi/webui");
const fresh = mkdtempSync(join(tmpdir(), "feedcore-webui-"));

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

try {
  await build({ root, logLevel: "warn", build: { outDir: fresh, emptyOutDir: true } });
  const want = files(fresh);
  const have = files(committed);
  const differences = [
    ...want.filter((f) => !have.includes(f)).map((f) => `missing: ${f}`),
    ...have.filter((f) => !want.includes(f)).map((f) => `not built from the source: ${f}`),
    ...want.filter((f) => have.includes(f) && !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f)))).map((f) => `differs: ${f}`),
  ];
  if (differences.length) {
    console.error(`The committed web build is not the build of web/ (run \`npm run build\` and commit):\n  ${differences.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log(`web build: the committed build matches the source (${want.length} files)`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
