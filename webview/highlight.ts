// Syntax highlighting for code blocks in answers, loaded on demand: highlight.js's core and
// each language are chunks of their own (highlightLanguages.ts), fetched the first time a
// block needs them. Until then a block renders plain and its component re-renders once the
// language is in (whenLoaded). Only a block's declared language is used: auto-detection is
// slow on long code and often wrong.
import type { HLJSApi } from "highlight.js";
import { LANGUAGE_LOADERS, languageOf } from "./highlightLanguages";

/** Highlighting a huge block would stall the view (it runs on every streamed delta); past this, plain. */
const MAX_HIGHLIGHT_CHARS = 20_000;

let core: Promise<HLJSApi> | undefined;
let hljs: HLJSApi | undefined;
/** Languages registered, ones that could not be fetched, and ones being fetched. */
const ready = new Set<string>();
const failed = new Set<string>();
const loading = new Map<string, Promise<void>>();

function load(name: string): Promise<void> {
  let pending = loading.get(name);
  if (!pending) {
    core ??= import("highlight.js/lib/core").then((m) => m.default);
    pending = Promise.all([core, LANGUAGE_LOADERS[name]()]).then(
      ([api, language]) => {
        api.registerLanguage(name, language.default);
        hljs = api;
        ready.add(name);
      },
      // A chunk that cannot load (a blocked fetch, an extension updated under the page) leaves
      // its blocks plain for the life of the page: no retry loop.
      (err: unknown) => {
        failed.add(name);
        console.warn(`pi chat: could not load highlighting for ${name}: ${String(err)}`);
      },
    );
    loading.set(name, pending);
  }
  return pending;
}

/**
 * highlight.js HTML (spans with hljs-* classes, text escaped), or undefined for plain text.
 * A language not loaded yet is fetched and reported in `waiting`: render again when it is in.
 */
export function highlightCode(code: string, info: string | undefined, waiting?: Set<string>): string | undefined {
  const name = languageOf(info);
  if (!name || code.length > MAX_HIGHLIGHT_CHARS || failed.has(name)) return undefined;
  if (!ready.has(name) || !hljs) {
    void load(name);
    waiting?.add(name);
    return undefined;
  }
  try {
    return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
  } catch {
    return undefined;
  }
}

/** Calls `then` once every language in `names` has loaded (or failed to). */
export function whenLoaded(names: Iterable<string>, then: () => void): () => void {
  let cancelled = false;
  void Promise.all([...names].map(load)).then(() => {
    if (!cancelled) then();
  });
  return () => {
    cancelled = true;
  };
}
