// The chat page as it shipped before it was split into modules (one IIFE file with
// highlight.js and everything else), built in the same run from that commit's sources: the
// baseline the benches print their figures beside.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";

const ROOT = path.join(__dirname, "..");
/** The protocol branch just before the split (webview/main.tsx → dist/webview.js). */
export const BASELINE_COMMIT = "e775f73231f80765a14763321047538ec27625eb";

export interface PageBuild {
  dir: string;
  /** The script the page loads, and whether it is an ES module. */
  entry: string;
  module: boolean;
}

/** Builds the baseline page into a scratch folder (as that commit's esbuild.mjs did). */
export async function buildBaselinePage(): Promise<PageBuild> {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), "pi-baseline-src-"));
  const tar = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", BASELINE_COMMIT, "webview", "src/protocol", "tsconfig.base.json"], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", src], { input: tar });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-baseline-page-"));
  await esbuild.build({
    entryPoints: [path.join(src, "webview", "main.tsx")],
    bundle: true,
    outfile: path.join(dir, "webview.js"),
    format: "iife",
    platform: "browser",
    target: "es2020",
    jsx: "automatic",
    jsxImportSource: "preact",
    alias: { typebox: path.join(src, "webview", "typeboxStub.ts") },
    nodePaths: [path.join(ROOT, "node_modules")],
    minify: true,
    logLevel: "warning",
  });
  fs.rmSync(src, { recursive: true, force: true });
  return { dir, entry: "webview.js", module: false };
}
