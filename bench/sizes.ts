// Bundle and package sizes: what a view loads before its first paint (the entry and the
// chunks it imports statically; minified and gzipped per file, as a server would send them),
// beside the page as it shipped before the split, built in the same run.
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { buildWebview, staticImports } from "../test/support/webviewBuild";
import { buildBaselinePage } from "./baselinePage";

const root = path.join(__dirname, "..");

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Minified and gzipped (each file on its own) sizes of some files in `dir`. */
function measure(dir: string, files: string[]): { min: number; gz: number } {
  let min = 0;
  let gz = 0;
  for (const f of files) {
    const data = fs.readFileSync(path.join(dir, f));
    min += data.length;
    gz += gzipSync(data, { level: 9 }).length;
  }
  return { min, gz };
}

export interface PageSizes {
  vscode: { min: number; gz: number; files: number };
  browser: { min: number; gz: number; files: number };
  baseline: { min: number; gz: number };
  /** Everything the page may ever load (all chunks). */
  all: { min: number; files: number };
}

export async function pageSizes(): Promise<PageSizes> {
  const dir = buildWebview();
  const vscode = staticImports(dir, "main.js");
  const browser = staticImports(dir, "remote.js");
  const every = fs.readdirSync(dir).filter((f) => f.endsWith(".js"));
  const base = await buildBaselinePage();
  return {
    vscode: { ...measure(dir, vscode), files: vscode.length },
    browser: { ...measure(dir, browser), files: browser.length },
    baseline: measure(base.dir, [base.entry]),
    all: { min: measure(dir, every).min, files: every.length },
  };
}

export async function printSizes(): Promise<void> {
  const s = await pageSizes();
  const row = (name: string, v: { min: number; gz: number }, extra = "") => console.log(`${name.padEnd(44)} ${kb(v.min).padStart(9)} min  ${kb(v.gz).padStart(8)} gz${extra}`);
  row("webview first paint, VS Code (main.js + chunks)", s.vscode, `  (${s.vscode.files} files)  goal ≤ 50 KB gz${s.vscode.gz <= 50 * 1024 ? "  ok" : "  MISSED"}`);
  row("webview first paint, browser (remote.js + chunks)", s.browser, `  (${s.browser.files} files)`);
  row("  baseline: the page before the split (one file)", s.baseline);
  console.log(`  every chunk the page may load: ${s.all.files} files, ${kb(s.all.min)} min (highlight.js languages load one by one, on first use)`);
  for (const file of ["dist/extension.js", "media/chat.css"]) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) {
      console.log(`${file}: missing (run npm run package first)`);
      continue;
    }
    const data = fs.readFileSync(full);
    console.log(`${file}: ${kb(data.length)} minified, ${kb(gzipSync(data, { level: 9 }).length)} gzipped`);
  }
  const vsix = path.join(root, "dist", "pi-vscode.vsix");
  if (fs.existsSync(vsix)) console.log(`dist/pi-vscode.vsix: ${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB`);
  else console.log("dist/pi-vscode.vsix: missing (run npm run package first)");
}

if (require.main === module) void printSizes();
