// Syntax highlighting for code blocks in answers, loaded on demand: the language table
// (highlightLanguages.ts), highlight.js's core and each language are chunks of their own,
// fetched the first time a block needs them. Until then a block renders plain, and its
// component renders again once they are in (whenLoaded). Only a block's declared language
// is used: auto-detection is slow on long code and often wrong.
import type { HLJSApi } from "highlight.js";

type Table = typeof import("./highlightLanguages");

/** Highlighting a huge block would stall the view (it runs on every streamed delta); past this, plain. */
const MAX_HIGHLIGHT_CHARS = 20_000;

let table: Table | undefined;
let tableFailed = false;
let tableLoading: Promise<Table | undefined> | undefined;
let core: Promise<HLJSApi> | undefined;
let hljs: HLJSApi | undefined;
/** Languages registered, ones that could not be fetched, and ones being fetched. */
const ready = new Set<string>();
const failed = new Set<string>();
const loading = new Map<string, Promise<void>>();

// A chunk that cannot load (a blocked fetch, an extension updated under the page) leaves its
// blocks plain for the life of the page: no retry loop.
const report = (what: string) => (err: unknown) => console.warn(`pi chat: could not load ${what}: ${String(err)}`);

function loadTable(): Promise<Table | undefined> {
  tableLoading ??= import("./highlightLanguages").then(
    (t) => (table = t),
    (err: unknown) => {
      tableFailed = true;
      report("the highlighting languages")(err);
      return undefined;
    },
  );
  return tableLoading;
}

function loadLanguage(t: Table, name: string): Promise<void> {
  let pending = loading.get(name);
  if (!pending) {
    core ??= import("highlight.js/lib/core").then((m) => m.default);
    pending = Promise.all([core, t.LANGUAGE_LOADERS[name]()]).then(
      ([api, language]) => {
        api.registerLanguage(name, language.default);
        hljs = api;
        ready.add(name);
      },
      (err: unknown) => {
        failed.add(name);
        report(`highlighting for ${name}`)(err);
      },
    );
    loading.set(name, pending);
  }
  return pending;
}

/**
 * All highlight.js writes: escaped text and spans with a class. The page sets this HTML as is
 * (webview/markdown.ts), so anything else — a highlighter bug, a grammar that lets text through
 * unescaped — falls back to plain text instead. Linear: the alternatives start differently.
 */
const HLJS_HTML = /^(?:[^<>]+|<span class="[\w .-]+">|<\/span>)*$/;

/** The first word of a fence's info string ("ts title=x" → "ts"). */
const fenceWord = (info: string | undefined) => info?.trim().split(/\s+/)[0]?.toLowerCase() || undefined;

/**
 * highlight.js HTML (spans with hljs-* classes, text escaped), or undefined for plain text.
 * When what the block needs is still loading, its fence word is added to `waiting`: render
 * again once whenLoaded says so.
 */
export function highlightCode(code: string, info: string | undefined, waiting?: Set<string>): string | undefined {
  const word = fenceWord(info);
  if (!word || code.length > MAX_HIGHLIGHT_CHARS) return undefined;
  if (!table) {
    if (tableFailed) return undefined;
    void loadTable();
    waiting?.add(word);
    return undefined;
  }
  const name = table.languageOf(word);
  if (!name || failed.has(name)) return undefined;
  if (!ready.has(name) || !hljs) {
    void loadLanguage(table, name);
    waiting?.add(word);
    return undefined;
  }
  try {
    const html = hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    return HLJS_HTML.test(html) ? html : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `then` once what the fence words in `words` need has loaded (or failed to). */
export function whenLoaded(words: Iterable<string>, then: () => void): () => void {
  let cancelled = false;
  const all = [...words];
  void loadTable()
    .then((t) => {
      if (!t) return;
      return Promise.all(all.map((w) => t.languageOf(w)).flatMap((name) => (name ? [loadLanguage(t, name)] : [])));
    })
    .then(() => {
      if (!cancelled) then();
    });
  return () => {
    cancelled = true;
  };
}
