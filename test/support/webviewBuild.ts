// The chat page's modules (entries and chunks) as esbuild.mjs builds them, into a scratch
// folder of their own: the webview and browser tests load exactly what ships, and never race
// a developer's `npm run build` over dist/.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
let built: string | undefined;

/** A folder holding main.js, remote.js and their chunks; built once per test process. */
export function buildWebview(): string {
  if (built && fs.existsSync(path.join(built, "main.js"))) return built;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-webview-"));
  execFileSync(process.execPath, [path.join(ROOT, "esbuild.mjs"), "--webview-out", dir], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  built = dir;
  return dir;
}

/** Module file names the page may load: what the server serves and the harness hands out. */
export const MODULE_NAME = /^[A-Za-z0-9_-]{1,100}\.js$/;

/**
 * A folder shaped like the installed package for the server's static routes: dist/webview/
 * (built as above) and the stylesheet and icon from media/.
 */
export function buildAssetsRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-assets-"));
  fs.mkdirSync(path.join(dir, "dist"));
  fs.mkdirSync(path.join(dir, "media"));
  fs.cpSync(buildWebview(), path.join(dir, "dist", "webview"), { recursive: true });
  // What the server serves from media/ (src/server/routes/static.ts).
  for (const f of ["chat.css", "review.css", "codicons.css", "codicon.ttf", "pi.svg", "icon.svg", "icon-192.png", "icon-512.png", "manifest.webmanifest", "sw.js"]) fs.copyFileSync(path.join(ROOT, "media", f), path.join(dir, "media", f));
  return dir;
}

/** The modules a page loads before anything runs: the entry and what it imports statically. */
export function staticImports(dir: string, entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const js = fs.readFileSync(path.join(dir, name), "utf8");
    // Minified ESM: `import{a as b}from"./chunk-X.js"` or `import"./chunk-X.js"`; import("./x.js") is lazy.
    for (const m of js.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([A-Za-z0-9_-]+\.js)"/g)) todo.push(m[1]);
  }
  return [...seen];
}
