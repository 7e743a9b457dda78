// The languages code blocks are highlighted in, each its own chunk loaded the first time a
// block of that language appears: none of them is in the first-paint bundle, nor is this
// table (highlight.ts loads it with the first code block). Names and aliases live here, not
// in the language files, so a block's language is known before its chunk is loaded.
// esbuild needs each `import()` spelled out to give it its own chunk.
import type { LanguageFn } from "highlight.js";

type Loader = () => Promise<{ default: LanguageFn }>;

export const LANGUAGE_LOADERS: Record<string, Loader> = {
  bash: () => import("highlight.js/lib/languages/bash"),
  c: () => import("highlight.js/lib/languages/c"),
  cpp: () => import("highlight.js/lib/languages/cpp"),
  csharp: () => import("highlight.js/lib/languages/csharp"),
  css: () => import("highlight.js/lib/languages/css"),
  diff: () => import("highlight.js/lib/languages/diff"),
  dockerfile: () => import("highlight.js/lib/languages/dockerfile"),
  go: () => import("highlight.js/lib/languages/go"),
  ini: () => import("highlight.js/lib/languages/ini"),
  java: () => import("highlight.js/lib/languages/java"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  json: () => import("highlight.js/lib/languages/json"),
  kotlin: () => import("highlight.js/lib/languages/kotlin"),
  lua: () => import("highlight.js/lib/languages/lua"),
  makefile: () => import("highlight.js/lib/languages/makefile"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  php: () => import("highlight.js/lib/languages/php"),
  powershell: () => import("highlight.js/lib/languages/powershell"),
  python: () => import("highlight.js/lib/languages/python"),
  ruby: () => import("highlight.js/lib/languages/ruby"),
  rust: () => import("highlight.js/lib/languages/rust"),
  scss: () => import("highlight.js/lib/languages/scss"),
  sql: () => import("highlight.js/lib/languages/sql"),
  swift: () => import("highlight.js/lib/languages/swift"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  xml: () => import("highlight.js/lib/languages/xml"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
};

/** Other names models write after the fence, by language. */
const ALIASES: Record<string, string[]> = {
  bash: ["sh", "shell", "zsh", "console"],
  c: ["h"],
  cpp: ["c++", "cc", "cxx", "hpp", "hh", "hxx"],
  csharp: ["cs", "c#"],
  dockerfile: ["docker"],
  go: ["golang"],
  ini: ["toml", "cfg"],
  javascript: ["js", "jsx", "mjs", "cjs"],
  json: ["jsonc", "json5"],
  kotlin: ["kt", "kts"],
  makefile: ["make", "mk"],
  markdown: ["md"],
  powershell: ["ps1", "pwsh", "ps"],
  python: ["py"],
  ruby: ["rb"],
  rust: ["rs"],
  diff: ["patch"],
  typescript: ["ts", "tsx", "mts", "cts"],
  xml: ["html", "svg", "vue"],
  yaml: ["yml"],
};

const BY_NAME = new Map<string, string>(Object.keys(LANGUAGE_LOADERS).map((name) => [name, name]));
for (const [name, aliases] of Object.entries(ALIASES)) for (const alias of aliases) BY_NAME.set(alias, name);

/** The language a fence's first word names ("ts" → "typescript"), if we have it. */
export function languageOf(word: string): string | undefined {
  return BY_NAME.get(word.toLowerCase());
}
