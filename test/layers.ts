// The layer rule, checked instead of trusted: who may import what. Run by `npm run check`
// (`tsx test/layers.ts`) and by test/unit/layers.test.ts, which also shows it catching a bad
// import. Imports are read with TypeScript's own pre-processor (static and dynamic imports,
// `require`, `export … from`).
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "..");

interface Layer {
  /** Folder (relative to the repo) whose files this rule governs. */
  dir: string;
  /** Why the rule exists, shown with every violation. */
  why: string;
  /** Folders of this repo it may import from (besides its own). */
  mayImport: string[];
  /** Packages it must not import (exact names or prefixes ending in "/"). */
  forbiddenPackages?: string[];
  /** Only these packages (and their subpaths) may be imported; undefined = any. */
  onlyPackages?: string[];
}

const NO_VSCODE = ["vscode"];

export const LAYERS: Layer[] = [
  { dir: "src/protocol", why: "the types both sides share: nothing else", mayImport: [], onlyPackages: ["typebox"] },
  { dir: "src/pi", why: "pi's RPC client knows only pi", mayImport: ["src/protocol"], forbiddenPackages: NO_VSCODE },
  { dir: "src/piGuard", why: "the guard runs inside pi's process", mayImport: ["src/protocol"], forbiddenPackages: NO_VSCODE },
  { dir: "src/demo", why: "the scripted model runs anywhere", mayImport: ["src/protocol"], forbiddenPackages: NO_VSCODE },
  { dir: "src/host", why: "the chat host serves VS Code and the server alike", mayImport: ["src/protocol", "src/pi", "src/piGuard", "src/demo"], forbiddenPackages: NO_VSCODE },
  { dir: "src/server", why: "the server runs without VS Code", mayImport: ["src/protocol", "src/pi", "src/piGuard", "src/demo", "src/host"], forbiddenPackages: NO_VSCODE },
  { dir: "src/vscode", why: "the extension sits on top", mayImport: ["src/protocol", "src/pi", "src/piGuard", "src/demo", "src/host", "src/server"] },
  {
    dir: "webview",
    why: "the page talks to its host only through the protocol; it never validates (typebox stays out of the bundle)",
    mayImport: ["src/protocol"],
    onlyPackages: ["preact", "marked", "highlight.js", "vscode-messenger-webview", "vscode-messenger-common", "typebox"],
    // The page's build stubs the schema modules (esbuild.mjs): their values must not matter to it.
    forbiddenPackages: ["typebox/compile", "typebox/value", "src/protocol/checkParams", "src/protocol/schemas"],
  },
];

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

function layerOf(rel: string): Layer | undefined {
  return LAYERS.filter((l) => rel === l.dir || rel.startsWith(`${l.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
}

function packageAllowed(specifier: string, list: string[]): boolean {
  return list.some((p) => specifier === p || specifier.startsWith(`${p}/`));
}

/** The violations of one file, given its path (relative to the repo) and its text. */
export function checkFile(rel: string, text: string): Violation[] {
  const layer = layerOf(rel);
  if (!layer) return [];
  const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const out: Violation[] = [];
  for (const specifier of imports) {
    if (specifier.startsWith(".")) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), specifier));
      const own = target === layer.dir || target.startsWith(`${layer.dir}/`);
      const allowed = own || layer.mayImport.some((d) => target === d || target.startsWith(`${d}/`));
      if (!allowed) out.push({ file: rel, specifier, reason: `${layer.dir} may import only ${[layer.dir, ...layer.mayImport].join(", ")}: ${layer.why}` });
      else if (layer.forbiddenPackages?.some((p) => target === p || target.startsWith(`${p}.`) || target.startsWith(`${p}/`))) out.push({ file: rel, specifier, reason: `${layer.dir} must not import ${target}: ${layer.why}` });
      continue;
    }
    const bare = specifier.replace(/^node:/, "");
    if (layer.forbiddenPackages && packageAllowed(specifier, layer.forbiddenPackages)) {
      out.push({ file: rel, specifier, reason: `${layer.dir} must not import ${specifier}: ${layer.why}` });
    } else if (layer.onlyPackages && !packageAllowed(specifier, layer.onlyPackages)) {
      out.push({ file: rel, specifier, reason: `${layer.dir} may import only the packages ${layer.onlyPackages.join(", ")}${bare !== specifier || builtinModules.includes(bare) ? " (no Node built-ins)" : ""}: ${layer.why}` });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|cts)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

/** Every violation in the repository. */
export function checkRepository(): Violation[] {
  return [...new Set(LAYERS.map((l) => l.dir))].flatMap(sourceFiles).flatMap((rel) => checkFile(rel, fs.readFileSync(path.join(ROOT, rel), "utf8")));
}

if (require.main === module) {
  const violations = checkRepository();
  for (const v of violations) console.error(`${v.file}: imports "${v.specifier}" — ${v.reason}`);
  console.log(violations.length ? `layers: ${violations.length} violation(s)` : "layers: every import follows the layer rule");
  process.exit(violations.length ? 1 : 0);
}
