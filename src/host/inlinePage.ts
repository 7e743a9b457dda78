// The VS Code chat page carries its first paint in its own HTML: the entry module and the chunks
// it imports statically, through an import map of data: URLs, and its stylesheets, by nonce.
// A webview fetches each file through the workbench's main thread (service worker → host page →
// file service), and in a window that is still starting those files came back together
// 170 ms after the page asked (bench/firstChat.ts), with the page waiting for the last one.
// The icon font (media/codicon.ttf, cut down to our glyphs: 4.5 KB) comes inline too: VS Code
// shows a new webview's frame at its load event, and a font file held that event back (the
// composer was there 230 ms before VS Code showed it).
// The chunks loaded on demand (highlight.js, the diff view, dialogs) stay files; their imports
// of the inlined chunks are mapped to the same data: URLs, so the page has one copy of each
// module (one Preact, one store).
import * as fs from "node:fs";
import * as path from "node:path";

/** esbuild's relative module specifiers: `from"./x.js"`, `import"./x.js"`, `import("./x.js")`. */
const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)"\.\/([A-Za-z0-9_-]{1,100}\.js)"/g;
const CSS_URL = /url\(\s*(["']?)([A-Za-z0-9_.-]{1,100})\1\s*\)/g;
/** Fonts a stylesheet names that travel inside it, as data: URLs (larger ones stay files). */
const INLINE_FONT = /\.(ttf|woff2)$/;
const INLINE_FONT_MAX_BYTES = 32 * 1024;

export interface InlineModule {
  /** The module's own URL (a key of the import map). */
  url: string;
  source: string;
}

/** What the page holds inline; chatPageHtml writes it. */
export interface InlineContent {
  modules: InlineModule[];
  styles: string[];
}

const files = new Map<string, Buffer>();
/** A file, read once per process (the extension's files do not change while it runs). */
function readBytes(file: string): Buffer {
  let bytes = files.get(file);
  if (bytes === undefined) {
    bytes = fs.readFileSync(file);
    files.set(file, bytes);
  }
  return bytes;
}
const read = (file: string) => readBytes(file).toString("utf8");

/** A small font of `dir` as a data: URL; undefined for anything else. */
function fontDataUrl(dir: string, name: string): string | undefined {
  const kind = INLINE_FONT.exec(name)?.[1];
  if (!kind) return undefined;
  const bytes = readBytes(path.join(dir, name));
  return bytes.length <= INLINE_FONT_MAX_BYTES ? `data:font/${kind};base64,${bytes.toString("base64")}` : undefined;
}

/**
 * A module's source with its relative imports made absolute: a data: URL cannot be the base of
 * a relative one, and an absolute URL is what the import map matches.
 */
export function absoluteImports(source: string, urlOf: (name: string) => string): string {
  return source.replace(RELATIVE_IMPORT, (_all, lead: string, name: string) => `${lead}${JSON.stringify(urlOf(name))}`);
}

/** A stylesheet with its relative url(...) made absolute, for a <style> element. */
export function absoluteCssUrls(css: string, urlOf: (name: string) => string): string {
  return css.replace(CSS_URL, (_all, _quote: string, name: string) => `url(${JSON.stringify(urlOf(name))})`);
}

/** Per page shape and URL base: every view of a window gets the same content, worked out once. */
const contents = new Map<string, InlineContent | undefined>();
const importMaps = new WeakMap<InlineModule[], string>();

/**
 * The inline content for `entry` and the chunks it imports statically (`chunks`, from
 * preload.json), and the stylesheets `styles`. Undefined when a file is missing (a partial
 * development build): the page then links its files as before.
 */
export function inlineContent(p: {
  modulesDir: string;
  entry: string;
  chunks: string[];
  moduleUrl: (name: string) => string;
  stylesDir: string;
  styles: string[];
  styleUrl: (name: string) => string;
}): InlineContent | undefined {
  const key = JSON.stringify([p.modulesDir, p.entry, p.chunks, p.moduleUrl(p.entry), p.stylesDir, p.styles, p.styleUrl("")]);
  if (!contents.has(key)) contents.set(key, build(p));
  return contents.get(key);
}

function build(p: Parameters<typeof inlineContent>[0]): InlineContent | undefined {
  try {
    const names = [p.entry, ...p.chunks];
    return {
      modules: names.map((name) => ({ url: p.moduleUrl(name), source: absoluteImports(read(path.join(p.modulesDir, name)), p.moduleUrl) })),
      styles: p.styles.map((name) => absoluteCssUrls(read(path.join(p.stylesDir, name)), (file) => fontDataUrl(p.stylesDir, file) ?? p.styleUrl(file))),
    };
  } catch {
    return undefined;
  }
}

/** The import map's JSON for a <script type="importmap">, safe inside a script element. */
export function importMapJson(modules: InlineModule[]): string {
  const known = importMaps.get(modules);
  if (known !== undefined) return known;
  const imports = Object.fromEntries(modules.map((m) => [m.url, `data:text/javascript;base64,${Buffer.from(m.source, "utf8").toString("base64")}`]));
  // "<" escaped: nothing in it can close the script element.
  const json = JSON.stringify({ imports }).replace(/</g, "\\u003c");
  importMaps.set(modules, json);
  return json;
}
