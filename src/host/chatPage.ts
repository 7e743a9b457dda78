// The chat page's HTML as VS Code's webviews get it (src/vscode/webviewHtml.ts fills in the
// webview URIs; the webview tests serve the same page), and the chunks a page entry imports
// statically, as esbuild.mjs lists them in dist/webview/preload.json. The page names those in
// <link rel="modulepreload"> so they load together with the entry instead of one round trip
// after it. A missing or broken list (a partial dev build) only costs that round trip.
import * as fs from "node:fs";
import * as path from "node:path";
import { earlySnapshotScript } from "../protocol/earlySnapshot";
import { importMapJson, type InlineContent } from "./inlinePage";

const MODULE_NAME = /^[A-Za-z0-9_-]{1,100}\.js$/;
const cache = new Map<string, Record<string, string[]>>();

/** Chunk file names `entry` (e.g. "main.js") imports statically, from the modules folder `dir`. */
export function pagePreloads(dir: string, entry: string): string[] {
  let list = cache.get(dir);
  if (!list) {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, "preload.json"), "utf8"));
      list = parsed && typeof parsed === "object" ? (parsed as Record<string, string[]>) : {};
    } catch {
      list = {};
    }
    cache.set(dir, list);
  }
  const names = list[entry];
  return Array.isArray(names) ? names.filter((n) => typeof n === "string" && MODULE_NAME.test(n)) : [];
}

export interface ChatPage {
  nonce: string;
  /** Sources allowed for styles, images (besides data:) and fonts: the webview's own. */
  resourceSource: string;
  title: string;
  /** Stylesheet URLs, in order. */
  styles: string[];
  /** The entry module's URL, and the URLs of the chunks it imports statically. */
  script: string;
  preloads: string[];
  /** The entry, its static chunks and the stylesheets in the HTML itself (src/host/inlinePage.ts). */
  inline?: InlineContent;
}

/** Run by the inline entry once the page has started: like the early script, the page then holds no inline script. */
const DROP_INLINE_SCRIPTS = `for (const s of document.querySelectorAll('script[type="importmap"], script[type="module"]:not([src])')) s.remove();`;

const escapeAttr = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page starts asking for its snapshot from an inline script (by nonce, as every script),
 * before the modules are fetched: src/protocol/earlySnapshot.ts.
 *
 * Strict CSP: scripts by nonce only (a module script's nonce carries over to every module it
 * imports, statically or with import(), data: URLs of the import map included, and a
 * modulepreload link's nonce is its fetch's), no 'unsafe-inline' / 'unsafe-eval', styles, images
 * and fonts from the page's own files only — and, inline, its own nonce'd styles and the icon
 * font they carry as a data: URL.
 */
export function chatPageHtml(p: ChatPage): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${p.nonce}'`,
    `style-src ${p.resourceSource}${p.inline ? ` 'nonce-${p.nonce}'` : ""}`,
    `img-src ${p.resourceSource} data:`,
    // Inline, the icon font is a data: URL in the page's own nonce'd style (src/host/inlinePage.ts).
    `font-src ${p.resourceSource}${p.inline ? " data:" : ""}`,
  ].join("; ");
  const styles = p.inline
    ? p.inline.styles.map((css) => `<style nonce="${p.nonce}">${css.replace(/<\/style/gi, "<\\/style")}</style>\n`).join("")
    : p.styles.map((href) => `<link rel="stylesheet" href="${escapeAttr(href)}">\n`).join("");
  // Inline: the import map gives the entry and its chunks as data: URLs, and the entry is imported
  // by its own URL, so the chunks loaded later from files find the same modules.
  const modules = p.inline
    ? `<script type="importmap" nonce="${p.nonce}">${importMapJson(p.inline.modules)}</script>\n`
    : p.preloads.map((href) => `<link rel="modulepreload" nonce="${p.nonce}" href="${escapeAttr(href)}">\n`).join("");
  const entry = p.inline
    ? `<script type="module" nonce="${p.nonce}">import ${JSON.stringify(p.script).replace(/</g, "\\u003c")};\n${DROP_INLINE_SCRIPTS}</script>`
    : `<script type="module" nonce="${p.nonce}" src="${escapeAttr(p.script)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<script nonce="${p.nonce}">${earlySnapshotScript()}</script>
${styles}${modules}<title>${escapeAttr(p.title)}</title>
</head>
<body>
<div id="app"></div>
${entry}
</body>
</html>`;
}
